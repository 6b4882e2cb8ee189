import type { TaskState } from "../../types.ts";
import type { Queryable } from "../database.ts";
import type { TaskInstanceRow } from "./task-instances.ts";

/** Which task instances of one DAG a clear takes (Airflow's `DAG.clear` filters). */
export interface ClearFilter {
  /** These tasks only; all tasks when null. */
  taskIds: readonly string[] | null;
  /** Runs whose logical date lies in [start, end]; open-ended when null. */
  startDate: Date | null;
  endDate: Date | null;
  /** Only TIs in these states (failed/upstream_failed for only_failed, running for only_running); all when empty. */
  states: readonly TaskState[];
}

/** A TI a clear takes, as it was found, with its run's logical date. */
export type TiToClear = Pick<TaskInstanceRow, "dag_id" | "run_id" | "task_id" | "map_index" | "state" | "try_number"> & { logical_date: Date };

/**
 * The task instances a clear takes, oldest run first. With `lock`, their rows are locked (FOR UPDATE) until the
 * caller's transaction ends, so the guarded update that follows sees them as selected.
 * Parameters: dag_id, task_id[] (null = all), logical_date_gte, logical_date_lte, state[] (empty = all).
 */
export async function selectTaskInstancesToClear(db: Queryable, dagId: string, filter: ClearFilter, lock = false): Promise<TiToClear[]> {
  const { rows } = await db.query<TiToClear>(
    `SELECT ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.state, ti.try_number, r.logical_date
       FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
      WHERE ti.dag_id = $1
        AND ($2::text[] IS NULL OR ti.task_id = ANY($2::text[]))
        AND ($3::timestamptz IS NULL OR r.logical_date >= $3)
        AND ($4::timestamptz IS NULL OR r.logical_date <= $4)
        AND (cardinality($5::text[]) = 0 OR ti.state = ANY($5::text[]))
      ORDER BY r.logical_date, ti.run_id, ti.task_id, ti.map_index
      ${lock ? "FOR UPDATE OF ti" : ""}`,
    [dagId, filter.taskIds, filter.startDate, filter.endDate, filter.states.filter((s) => s !== null)],
  );
  return rows;
}

/**
 * Airflow's `clear_task_instances`: a running TI becomes `restarting` (its runner sees it at the next heartbeat and
 * stops; restarting is always retry-eligible); any other goes back to no state, to be scheduled again, with
 * `max_tries = try_number + retries` so that it gets its retries again (a task no longer in the DAG keeps
 * `max(max_tries, try_number)`). Each row is guarded on the state it was selected in.
 * Parameters: dag_id, then parallel arrays run_id[], task_id[], map_index[], state[], and task_id[], retries[] of
 * the DAG's tasks. Returns the TIs cleared, with their new state.
 */
export async function clearTaskInstanceRows(
  tx: Queryable,
  dagId: string,
  tis: readonly TiToClear[],
  retries: ReadonlyMap<string, number>,
): Promise<Array<{ run_id: string; task_id: string; map_index: number; state: TaskState }>> {
  if (!tis.length) return [];
  const { rows } = await tx.query<{ run_id: string; task_id: string; map_index: number; state: TaskState }>(
    `UPDATE task_instance ti
        SET state = CASE WHEN ti.state = 'running' THEN 'restarting' END,
            max_tries = CASE WHEN ti.state = 'running' THEN ti.max_tries
                             WHEN t.retries IS NULL THEN greatest(ti.max_tries, ti.try_number)
                             ELSE ti.try_number + t.retries END,
            next_retry_at = CASE WHEN ti.state = 'running' THEN ti.next_retry_at END,
            reschedule_at = CASE WHEN ti.state = 'running' THEN ti.reschedule_at END,
            queued_by_job_id = CASE WHEN ti.state = 'running' THEN ti.queued_by_job_id END,
            external_executor_id = NULL,
            updated_at = now()
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[]) AS c(run_id, task_id, map_index, state)
       LEFT JOIN unnest($6::text[], $7::int[]) AS t(task_id, retries) ON t.task_id = c.task_id
      WHERE ti.dag_id = $1 AND ti.run_id = c.run_id AND ti.task_id = c.task_id AND ti.map_index = c.map_index
        AND ti.state IS NOT DISTINCT FROM c.state
      RETURNING ti.run_id, ti.task_id, ti.map_index, ti.state`,
    [dagId, tis.map((t) => t.run_id), tis.map((t) => t.task_id), tis.map((t) => t.map_index), tis.map((t) => t.state),
      [...retries.keys()], [...retries.values()]],
  );
  return rows;
}

/**
 * The finished runs of cleared TIs go back to `queued`, to be started again within max_active_runs (Airflow 2.10:
 * start date cleared, `clear_number` + 1). Guarded: a run still queued or running is left as it is.
 * Parameters: dag_id, run_id[]. Returns the run ids requeued.
 */
export async function requeueFinishedRuns(tx: Queryable, dagId: string, runIds: readonly string[]): Promise<string[]> {
  if (!runIds.length) return [];
  const { rows } = await tx.query<{ run_id: string }>(
    `UPDATE dag_run SET state = 'queued', queued_at = now(), start_date = NULL, end_date = NULL,
            last_scheduling_decision = NULL, clear_number = clear_number + 1
      WHERE dag_id = $1 AND run_id = ANY($2::text[]) AND state IN ('success', 'failed')
      RETURNING run_id`,
    [dagId, runIds],
  );
  return rows.map((r) => r.run_id);
}
