import { PRODUCER, UPDRAFT_VERSION, type Facet } from "./types.ts";

/** A facet's `_schemaURL`: its schema file's `$id` and the definition inside it (the versions are those in ./schemas/facets/). */
const FACET_VERSIONS: Record<string, string> = {
  ParentRunFacet: "1-2-0",
  NominalTimeRunFacet: "1-0-1",
  ErrorMessageRunFacet: "1-0-1",
  ProcessingEngineRunFacet: "1-1-1",
  JobTypeJobFacet: "2-0-4",
  SourceCodeLocationJobFacet: "1-1-0",
  SourceCodeJobFacet: "1-0-1",
  SQLJobFacet: "1-1-0",
  DocumentationJobFacet: "1-1-0",
  DocumentationDatasetFacet: "1-1-0",
  OwnershipJobFacet: "1-0-1",
  OwnershipDatasetFacet: "1-0-1",
  SchemaDatasetFacet: "1-2-0",
  DataQualityMetricsInputDatasetFacet: "1-0-3",
  DatasourceDatasetFacet: "1-0-1",
  TagsDatasetFacet: "1-0-0",
  TagsJobFacet: "1-0-0",
  StorageDatasetFacet: "1-0-1",
  LifecycleStateChangeDatasetFacet: "1-0-1",
  DatasetTypeDatasetFacet: "1-0-1",
};

export function facet(schema: keyof typeof FACET_VERSIONS, fields: Record<string, unknown>): Facet {
  return { _producer: PRODUCER, _schemaURL: `https://openlineage.io/spec/facets/${FACET_VERSIONS[schema]}/${schema}.json#/$defs/${schema}`, ...fields };
}

export function parentRunFacet(parent: { runId: string; namespace: string; name: string }, root = parent): Facet {
  return facet("ParentRunFacet", {
    run: { runId: parent.runId },
    job: { namespace: parent.namespace, name: parent.name },
    root: { run: { runId: root.runId }, job: { namespace: root.namespace, name: root.name } },
  });
}

export function nominalTimeFacet(start: Date, end: Date | null): Facet {
  return facet("NominalTimeRunFacet", { nominalStartTime: start.toISOString(), ...(end ? { nominalEndTime: end.toISOString() } : {}) });
}

export function errorMessageFacet(message: string, stackTrace?: string): Facet {
  return facet("ErrorMessageRunFacet", { message, programmingLanguage: "typescript", ...(stackTrace ? { stackTrace } : {}) });
}

export function processingEngineFacet(): Facet {
  return facet("ProcessingEngineRunFacet", { name: "Updraft", version: UPDRAFT_VERSION, openlineageAdapterVersion: UPDRAFT_VERSION });
}

/** Integration "UPDRAFT": consumers keying on "AIRFLOW" expect Airflow's own `airflow` run facet, which Updraft does not emit. */
export function jobTypeFacet(jobType: "TASK" | "DAG"): Facet {
  return facet("JobTypeJobFacet", { processingType: "BATCH", integration: "UPDRAFT", jobType });
}

export function sourceCodeLocationFacet(path: string): Facet {
  return facet("SourceCodeLocationJobFacet", { type: "file", url: `file://${path}`, path });
}

export function sourceCodeFacet(code: string): Facet {
  return facet("SourceCodeJobFacet", { language: "typescript", sourceCode: code });
}

export function sqlFacet(query: string, dialect?: string): Facet {
  return facet("SQLJobFacet", { query, ...(dialect ? { dialect } : {}) });
}

export function documentationFacet(kind: "job" | "dataset", description: string): Facet {
  return facet(kind === "job" ? "DocumentationJobFacet" : "DocumentationDatasetFacet", { description });
}

export function ownershipFacet(kind: "job" | "dataset", owners: readonly string[]): Facet {
  return facet(kind === "job" ? "OwnershipJobFacet" : "OwnershipDatasetFacet", { owners: owners.map((name) => ({ name })) });
}

export interface SchemaField {
  name: string;
  type?: string;
  description?: string;
}
export function schemaFacet(fields: readonly SchemaField[]): Facet {
  return facet("SchemaDatasetFacet", { fields: fields.map((f) => ({ ...f })) });
}

export function dataSourceFacet(namespace: string): Facet {
  return facet("DatasourceDatasetFacet", { name: namespace, uri: namespace });
}

/** Tags on a dataset (classification: PII, Confidential, Public), with where each came from. */
export function datasetTagsFacet(tags: ReadonlyArray<{ key: string; value: string; source?: string }>): Facet {
  return facet("TagsDatasetFacet", { tags: tags.map((t) => ({ ...t })) });
}

export interface ColumnMetric {
  nullCount?: number;
  distinctCount?: number;
  min?: number;
  max?: number;
}
export function dataQualityMetricsFacet(metrics: { rowCount?: number; bytes?: number; columnMetrics: Record<string, ColumnMetric> }): Facet {
  return facet("DataQualityMetricsInputDatasetFacet", { ...metrics });
}

/** A dataset created, overwritten, dropped…: OpenLineage's lifecycle state change (a retention policy's DROP). */
export function lifecycleStateChangeFacet(change: "ALTER" | "CREATE" | "DROP" | "OVERWRITE" | "RENAME" | "TRUNCATE"): Facet {
  return facet("LifecycleStateChangeDatasetFacet", { lifecycleStateChange: change });
}

/** What kind of dataset this is (TABLE, FILE, MODEL, FEATURE_VIEW…): the impact view lists MODEL datasets as models. */
export function datasetTypeFacet(datasetType: string, subType?: string): Facet {
  return facet("DatasetTypeDatasetFacet", { datasetType, ...(subType ? { subType } : {}) });
}
