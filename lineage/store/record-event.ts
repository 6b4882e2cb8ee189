import type { Queryable } from "../../core/store/database.ts";
import type { RunEvent } from "../types.ts";

/**
 * Stores one (already validated) run event and folds it into the graph: the job (its facets, latest run), each
 * dataset (its facets, merged), and an edge per input and output. Parameters: the event. One transaction (caller's).
 */
export async function recordLineageEvent(tx: Queryable, event: RunEvent): Promise<void> {
  const { job, run } = event;
  await tx.query(
    "INSERT INTO lineage_event (event_type, event_time, run_id, job_namespace, job_name, event) VALUES ($1, $2, $3, $4, $5, $6)",
    [event.eventType ?? "OTHER", event.eventTime, run.runId, job.namespace, job.name, JSON.stringify(event)],
  );
  await tx.query(
    `INSERT INTO lineage_job (namespace, name, facets, latest_run_id, latest_event_type, latest_event_time) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (namespace, name) DO UPDATE SET facets = lineage_job.facets || EXCLUDED.facets,
       latest_run_id = CASE WHEN EXCLUDED.latest_event_time >= lineage_job.latest_event_time OR lineage_job.latest_event_time IS NULL THEN EXCLUDED.latest_run_id ELSE lineage_job.latest_run_id END,
       latest_event_type = CASE WHEN EXCLUDED.latest_event_time >= lineage_job.latest_event_time OR lineage_job.latest_event_time IS NULL THEN EXCLUDED.latest_event_type ELSE lineage_job.latest_event_type END,
       latest_event_time = GREATEST(lineage_job.latest_event_time, EXCLUDED.latest_event_time), updated_at = now()`,
    [job.namespace, job.name, JSON.stringify(job.facets ?? {}), run.runId, event.eventType ?? "OTHER", event.eventTime],
  );
  for (const [direction, datasets] of [["input", event.inputs ?? []], ["output", event.outputs ?? []]] as const) {
    for (const d of datasets) {
      await tx.query(
        `INSERT INTO lineage_dataset (namespace, name, facets) VALUES ($1, $2, $3)
         ON CONFLICT (namespace, name) DO UPDATE SET facets = lineage_dataset.facets || EXCLUDED.facets, updated_at = now()`,
        [d.namespace, d.name, JSON.stringify(d.facets ?? {})],
      );
      await tx.query(
        `INSERT INTO lineage_edge (job_namespace, job_name, dataset_namespace, dataset_name, direction) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (job_namespace, job_name, dataset_namespace, dataset_name, direction) DO UPDATE SET updated_at = now()`,
        [job.namespace, job.name, d.namespace, d.name, direction],
      );
    }
  }
}
