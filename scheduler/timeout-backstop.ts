import type { Database } from "../core/store/database.ts";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import { triesRunningLongerThan } from "../core/store/queries/running-tries.ts";
import type { Executor } from "../executor/executor.ts";
import type { DagCache } from "./dag-cache.ts";
import { failTryExternally } from "./failure.ts";

export interface TimeoutBackstopOptions {
  executor: Executor;
  /** How long past its execution_timeout a try may still run before the scheduler ends it. Default 30 s. */
  executionTimeoutGraceMs?: number;
}

/**
 * The runner stops a try at its execution_timeout, but it cannot when the task blocks its event loop (a synchronous
 * loop, a blocking native call) — its heartbeats then stop too, yet zombie detection waits its own, longer threshold.
 * Here the scheduler ends such a try once it has run for execution_timeout + a grace period: failed, or up_for_retry
 * when retries remain (a timeout is retryable, as in Airflow), then the executor kills its runner. Returns the task
 * instances it ended, whose runs should be examined again.
 */
export async function failTimedOutTries(db: Database, cache: DagCache, options: TimeoutBackstopOptions, log: (message: string) => void): Promise<TiKey[]> {
  const graceSeconds = (options.executionTimeoutGraceMs ?? Number(process.env.UPDRAFT_EXECUTION_TIMEOUT_GRACE_SEC ?? 30) * 1000) / 1000;
  const ended: TiKey[] = [];
  for (const running of await triesRunningLongerThan(db, graceSeconds)) {
    const task = (await cache.get(db, running.dag_id))?.data.tasks.find((t) => t.task_id === running.task_id);
    if (task?.execution_timeout == null || running.running_seconds <= task.execution_timeout + graceSeconds) continue;
    const key: TiKey = { dagId: running.dag_id, runId: running.run_id, taskId: running.task_id, mapIndex: running.map_index };
    const reason = `Task "${key.taskId}" exceeded its execution_timeout of ${task.execution_timeout}s and its runner did not stop it within ${graceSeconds}s more; the scheduler stopped it.`;
    const state = await db.transaction((tx) => failTryExternally(tx, key, running.try_number, ["running"], task, running.logical_date, reason));
    if (!state) continue; // it finished meanwhile
    options.executor.kill(key, running.try_number);
    log(`${key.dagId}.${key.taskId} try ${running.try_number} ran ${Math.round(running.running_seconds)}s, past its execution_timeout of ${task.execution_timeout}s: now ${state}; its runner is killed.`);
    ended.push(key);
  }
  return ended;
}
