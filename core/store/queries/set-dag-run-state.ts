import type { Queryable } from "../database.ts";
import type { DagRunRow } from "./dag-runs.ts";

/**
 * Sets a run's state as Airflow's `DagRun.set_state` does: a finished state sets end_date, queued sets queued_at and
 * clears start/end dates so the scheduler starts it again. Parameters: dag_id, run_id, state.
 */
export async function updateDagRunState(tx: Queryable, dagId: string, runId: string, state: string): Promise<DagRunRow | null> {
  const { rows } = await tx.query<DagRunRow>(
    `UPDATE dag_run
        SET state = $3,
            end_date = CASE WHEN $3 IN ('success', 'failed') THEN now() END,
            start_date = CASE WHEN $3 = 'queued' THEN NULL ELSE start_date END,
            queued_at = CASE WHEN $3 = 'queued' THEN now() ELSE queued_at END,
            last_scheduling_decision = now()
      WHERE dag_id = $1 AND run_id = $2
     RETURNING *`,
    [dagId, runId, state],
  );
  return rows[0] ?? null;
}

/**
 * What setting a run success or failed does to its TIs (Airflow's set_dag_run_state_to_success/_failed): success marks
 * every TI not yet successful as success; failed marks running, deferred and up_for_reschedule TIs failed and every
 * other unfinished TI skipped. Parameters: dag_id, run_id, state. Returns the TIs changed, with their new state.
 */
export async function finishRunTaskInstances(tx: Queryable, dagId: string, runId: string, state: "success" | "failed") {
  const { rows } = await tx.query<{ task_id: string; map_index: number; state: string }>(
    `UPDATE task_instance
        SET state = CASE WHEN $3 = 'success' THEN 'success'
                         WHEN state IN ('running', 'deferred', 'up_for_reschedule') THEN 'failed'
                         ELSE 'skipped' END,
            start_date = coalesce(start_date, now()),
            end_date = coalesce(end_date, now()),
            duration = extract(epoch FROM coalesce(end_date, now()) - coalesce(start_date, now())),
            updated_at = now()
      WHERE dag_id = $1 AND run_id = $2
        AND CASE WHEN $3 = 'success' THEN state IS DISTINCT FROM 'success'
                 ELSE state IS NULL OR state NOT IN ('success', 'skipped', 'failed', 'upstream_failed', 'removed') END
     RETURNING task_id, map_index, state`,
    [dagId, runId, state],
  );
  return rows;
}
