import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { Executor } from "../executor/executor.ts";
import type { LogFields } from "./logger.ts";
import { recordSchedulerHeartbeat, recordSchedulerLoop } from "./metrics.ts";
import { dagRunEnded, type EndedRun } from "./run-events.ts";
import { observeExecutor } from "./scrape-gauges.ts";
import { tryEnded } from "./try-events.ts";

/** What the scheduler reports to metrics and traces: one call per event, nothing read from the database. */
export const schedulerObserved = {
  started(executor: Executor): void {
    observeExecutor(executor);
  },
  loop(ms: number): void {
    recordSchedulerLoop(ms / 1000);
  },
  heartbeat(): void {
    recordSchedulerHeartbeat();
  },
  runEnded(run: EndedRun, state: string, reason: string | null): void {
    dagRunEnded(run, state, reason);
  },
  /** The scheduler ended a try its runner did not report (the runner died, a zombie). */
  tryEnded(key: TiKey, tryNumber: number, state: string, reason: string): void {
    tryEnded({ ...key, tryNumber }, state, reason);
  },
};

/** The correlation ids of a try, for a log record. */
export function logIds(key: TiKey, tryNumber: number): LogFields {
  return { dag_id: key.dagId, run_id: key.runId, task_id: key.taskId, map_index: key.mapIndex, try_number: tryNumber };
}
