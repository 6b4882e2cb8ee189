import type { Database } from "../core/store/database.ts";
import type { ExecutionApiHooks } from "../webserver/execution-api/execution-api.ts";
import { datasetsQueuedPayload, runChangedPayload, SCHEDULER_CHANNEL, tryFinishedPayload, type Scheduler } from "./scheduler.ts";

/**
 * What the execution API tells the schedulers: a try finished (with its outcome, so a scheduler plans the next step
 * without reading the run again), or a try changed other TIs of its run. The scheduler in this process hears it at once;
 * on PostgreSQL every other scheduler hears it through NOTIFY.
 */
export function schedulerEvents(db: Database, scheduler: () => Scheduler | undefined): ExecutionApiHooks {
  const runKey = (dagId: string, runId: string) => `${dagId}\u0000${runId}`;
  const notify = (payload: string) => {
    if (db.capabilities.crossProcessNotify) void db.notify(SCHEDULER_CHANNEL, payload).catch(() => {});
  };
  return {
    onTryFinished(claims, outcome) {
      const change = { taskId: claims.taskId, mapIndex: claims.mapIndex, ...outcome };
      const local = scheduler();
      local?.tryFinished(claims.dagId, claims.runId, change);
      notify(tryFinishedPayload(claims.dagId, claims.runId, change, local?.origin));
    },
    onDatasetsQueued() {
      const local = scheduler();
      local?.datasetsQueued();
      notify(datasetsQueuedPayload(local?.origin));
    },
    onRunChanged(claims) {
      const local = scheduler();
      local?.wake(runKey(claims.dagId, claims.runId));
      notify(runChangedPayload(claims.dagId, claims.runId, local?.origin));
    },
  };
}
