import type { Queryable } from "../core/store/database.ts";
import type { TiKey } from "../core/store/queries/task-instances.ts";

/**
 * Asks for a try's on_failure_callback (now failed) or on_retry_callback (now up_for_retry) to be run by a runner: the
 * scheduler sends it with the DAG callbacks (dag-callbacks.ts). Parameters: the try, its new state and why it failed.
 */
export async function requestTaskCallbacks(db: Queryable, key: TiKey, tryNumber: number, state: "failed" | "up_for_retry", reason: string): Promise<void> {
  await db.query(
    `INSERT INTO callback_request (dag_id, run_id, kind, reason, task_id, map_index, try_number) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [key.dagId, key.runId, state === "failed" ? "task_failed" : "task_retry", reason, key.taskId, key.mapIndex, tryNumber],
  );
}
