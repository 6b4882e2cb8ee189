import type { SerializedTask } from "../core/serialization.ts";
import { isRetryEligible, nextRetryAt } from "../core/semantics/retry.ts";
import type { Queryable } from "../core/store/database.ts";
import { recordTryHistory, type TaskInstanceRow, type TiKey } from "../core/store/queries/task-instances.ts";
import { requestTaskCallbacks } from "./task-callbacks.ts";

/**
 * Airflow's handle_failure for a try whose runner could not report (it crashed, was killed, stopped heartbeating, or
 * stopped the try because it was cleared): up_for_retry after the retry delay when retries remain or the TI is
 * `restarting`, else failed. Guarded on the TI still being in that try
 * and in `expectedStates`, so a try that did report in the meantime is left alone. Returns the new state or null.
 */
export async function failTryExternally(
  db: Queryable,
  key: TiKey,
  tryNumber: number,
  expectedStates: readonly string[],
  task: SerializedTask | undefined,
  logicalDate: Date,
  reason: string,
): Promise<"up_for_retry" | "failed" | null> {
  const { rows } = await db.query<TaskInstanceRow>(
    `SELECT * FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4 AND try_number = $5 AND state = ANY($6::text[])
      FOR UPDATE`,
    [key.dagId, key.runId, key.taskId, key.mapIndex, tryNumber, expectedStates],
  );
  const ti = rows[0];
  if (!ti) return null;
  const now = new Date();
  // A TI cleared while it ran (`restarting`) always retries; otherwise its retries decide.
  const retry = task !== undefined && isRetryEligible({ state: ti.state, tryNumber, maxTries: ti.max_tries }, { retries: task.retries });
  const state = retry ? "up_for_retry" : "failed";
  const retryAt = retry
    ? nextRetryAt({
        endDate: now,
        retryDelaySeconds: task!.retry_delay,
        exponentialBackoff: task!.retry_exponential_backoff,
        maxRetryDelaySeconds: task!.max_retry_delay,
        dagId: key.dagId,
        taskId: key.taskId,
        logicalDate,
        tryNumber,
      })
    : null;
  const { rows: updated } = await db.query<TaskInstanceRow>(
    `UPDATE task_instance SET state = $6, end_date = $7, duration = extract(epoch FROM $7::timestamptz - coalesce(start_date, $7::timestamptz)),
            next_retry_at = $8, error = $9, updated_at = now()
      WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4 AND try_number = $5
      RETURNING *`,
    [key.dagId, key.runId, key.taskId, key.mapIndex, tryNumber, state, now, retryAt, reason],
  );
  if (updated[0]) await recordTryHistory(db, updated[0]);
  // Airflow's TaskCallbackRequest: the try's own runner is gone, so another runs its on_failure / on_retry callbacks.
  // In this transaction, behind the guarded update above: with several schedulers only the one that failed the try
  // asks. A TI cleared while it ran (`restarting`) was stopped on purpose: no callbacks, as in Airflow.
  if (updated[0] && ti.state !== "restarting") await requestTaskCallbacks(db, key, tryNumber, state, reason);
  return state;
}
