import type { TaskState } from "../../types.ts";
import type { Queryable } from "../database.ts";

/**
 * `callback_request`: DAG-level callbacks the scheduler asks for when a run finishes, for a runner to run (the
 * scheduler never runs user code). A row is pending while `claimed_at` is null.
 */
export interface CallbackRequestRow {
  id: number;
  dag_id: string;
  run_id: string;
  kind: "dag_success" | "dag_failed" | "task_failed" | "task_retry" | "sla_miss";
  reason: string | null;
  /** Task callbacks only (migration 0003): the try whose callbacks run. */
  task_id: string | null;
  map_index: number | null;
  try_number: number | null;
}

/**
 * Takes up to `limit` pending requests, oldest first, and marks them claimed in the same statement, so that with several
 * schedulers each is handed out once (SKIP LOCKED). At most once, as in Airflow, whose DAG processor deletes the
 * requests it fetches: a request whose runner dies is not run again. Parameter: limit.
 */
export async function claimCallbackRequests(db: Queryable, limit: number): Promise<CallbackRequestRow[]> {
  const { rows } = await db.query<CallbackRequestRow>(
    `UPDATE callback_request SET claimed_at = now()
      WHERE id IN (SELECT id FROM callback_request WHERE claimed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, dag_id, run_id, kind, reason, task_id, map_index, try_number`,
    [limit],
  );
  return rows.sort((a, b) => a.id - b.id);
}

export interface RunTaskInstance {
  task_id: string;
  map_index: number;
  try_number: number;
  max_tries: number;
  state: TaskState;
  start_date: Date | null;
}

/** The task instances of a run that were not removed: DAG callbacks get the context of the last one. Parameters: dag_id, run_id. */
export async function callbackCandidateTis(db: Queryable, dagId: string, runId: string): Promise<RunTaskInstance[]> {
  const { rows } = await db.query<RunTaskInstance>(
    `SELECT task_id, map_index, try_number, max_tries, state, start_date FROM task_instance
      WHERE dag_id = $1 AND run_id = $2 AND state IS DISTINCT FROM 'removed'`,
    [dagId, runId],
  );
  return rows;
}

/** The task instance whose task callbacks run (task callback requests). Parameters: dag_id, run_id, task_id, map_index. */
export async function taskInstanceForCallback(
  db: Queryable,
  key: { dagId: string; runId: string; taskId: string; mapIndex: number },
): Promise<RunTaskInstance | null> {
  const { rows } = await db.query<RunTaskInstance>(
    `SELECT task_id, map_index, try_number, max_tries, state, start_date FROM task_instance
      WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4`,
    [key.dagId, key.runId, key.taskId, key.mapIndex],
  );
  return rows[0] ?? null;
}
