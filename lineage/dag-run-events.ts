import type { Database } from "../core/store/database.ts";
import { errorMessageFacet, jobTypeFacet, nominalTimeFacet, processingEngineFacet } from "./facets.ts";
import { processLineage } from "./process-emitter.ts";
import { dagRunUuid } from "./run-id.ts";
import { lineageWriterFor } from "./store/record-event.ts";
import { PRODUCER, RUN_EVENT_SCHEMA_URL, type EventType, type RunEvent } from "./types.ts";

export interface DagRunFacts {
  dag_id: string;
  logical_date: Date;
  data_interval_start: Date | null;
  data_interval_end: Date | null;
}

/** A DAG run's own event (Airflow 2.10's provider sends them from the scheduler): job `<dag_id>`, jobType DAG. */
export function dagRunEvent(type: EventType, namespace: string, run: DagRunFacts, error?: string): RunEvent {
  const start = run.data_interval_start ?? run.logical_date;
  return {
    eventType: type,
    eventTime: new Date().toISOString(),
    producer: PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    run: {
      runId: dagRunUuid(namespace, run.dag_id, run.logical_date),
      facets: {
        nominalTime: nominalTimeFacet(start, run.data_interval_end ?? start),
        processing_engine: processingEngineFacet(),
        ...(error !== undefined ? { errorMessage: errorMessageFacet(error) } : {}),
      },
    },
    job: { namespace, name: run.dag_id, facets: { jobType: jobTypeFacet("DAG") } },
    inputs: [],
    outputs: [],
  };
}

/**
 * The scheduler's side: a DAG run started or ended. Sent in the background, after the caller's transaction, to the
 * configured transports and (the scheduler has the database) straight into Updraft's own lineage service.
 */
export function emitDagRunEvent(db: Database, type: "START" | "COMPLETE" | "FAIL", run: DagRunFacts, reason?: string | null): void {
  const shared = processLineage();
  if (!shared) return;
  const event = dagRunEvent(type, shared.config.namespace, run, type === "FAIL" ? reason || "the DAG run failed" : undefined);
  shared.emitter.emit(event);
  if (shared.config.builtin) lineageWriterFor(db).add(event);
}

/** `dags test`'s side (no database): the DAG run's events go to the configured transports only. */
export function emitInProcessDagRunEvent(type: "START" | "COMPLETE" | "FAIL", run: { dagId: string; logicalDate: Date; dataIntervalStart: Date; dataIntervalEnd: Date }, reason?: string): void {
  const shared = processLineage();
  if (!shared) return;
  const facts = { dag_id: run.dagId, logical_date: run.logicalDate, data_interval_start: run.dataIntervalStart, data_interval_end: run.dataIntervalEnd };
  shared.emitter.emit(dagRunEvent(type, shared.config.namespace, facts, type === "FAIL" ? reason || "the DAG run failed" : undefined));
}
