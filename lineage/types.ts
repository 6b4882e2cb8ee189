/**
 * OpenLineage vocabulary, as the spec (./schemas/OpenLineage.json, 2-0-2) names it:
 * - run event: one transition of a run (START, RUNNING, COMPLETE, ABORT, FAIL, OTHER).
 * - run: one execution of a job; in Updraft one task-instance try (or one DAG run), with a stable UUID.
 * - job: what runs, `<dag_id>.<task_id>` (or `<dag_id>` for a DAG run) in the producer's namespace.
 * - dataset: what a job reads (inputs) or writes (outputs), named by a namespace (the data source,
 *   e.g. `postgres://host:5432`, `s3://bucket`, `file`) and a name within it.
 * - facet: a typed piece of metadata on a run, job or dataset, with `_producer` and `_schemaURL`.
 */

export const EVENT_TYPES = ["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface Facet {
  _producer: string;
  _schemaURL: string;
  [field: string]: unknown;
}
export type Facets = Record<string, Facet>;

export interface LineageDataset {
  namespace: string;
  name: string;
  facets?: Facets;
}
export interface InputDataset extends LineageDataset {
  inputFacets?: Facets;
}
export interface OutputDataset extends LineageDataset {
  outputFacets?: Facets;
}

export interface RunEvent {
  eventType: EventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets?: Facets };
  job: { namespace: string; name: string; facets?: Facets };
  inputs: InputDataset[];
  outputs: OutputDataset[];
}

/** What Airflow's `get_openlineage_facets_on_start/complete` return (its OperatorLineage). */
export interface OperatorLineage {
  inputs?: InputDataset[];
  outputs?: OutputDataset[];
  runFacets?: Facets;
  jobFacets?: Facets;
}

/** Something that delivers events (HTTP endpoint, file, console, Updraft's own lineage service). */
export interface Transport {
  readonly name: string;
  send(event: RunEvent): Promise<void>;
}

export const SPEC_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
export const RUN_EVENT_SCHEMA_URL = `${SPEC_URL}#/$defs/RunEvent`;
export const PRODUCER = "https://github.com/updraft-orchestrator/updraft/tree/main/lineage";
export const UPDRAFT_VERSION = "0.1.0";
