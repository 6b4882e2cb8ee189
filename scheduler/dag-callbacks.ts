import { join } from "node:path";
import { issueToken } from "../core/execution-token.ts";
import type { Database } from "../core/store/database.ts";
import { callbackCandidateTis, claimCallbackRequests, type CallbackRequestRow } from "../core/store/queries/callback-requests.ts";
import type { Executor, Workload } from "../executor/executor.ts";
import type { DagCache } from "./dag-cache.ts";

export interface DagCallbackOptions {
  executor: Executor;
  apiUrl: string;
  /** $UPDRAFT_HOME: the callbacks' log goes under logs/. */
  home: string;
  secret: Buffer;
}

/** Callbacks run before queued tasks: they are short, and someone may be waiting for the alert. */
const CALLBACK_PRIORITY = Number.MAX_SAFE_INTEGER;
const MAX_PER_PASS = 16;
const watched = new WeakSet<Executor>();

/**
 * Airflow's "send DAG callbacks" step: the success/failure callbacks the scheduler requested when runs finished
 * (`callback_request` rows) go to the executor as callback workloads, each with a token for the run's last task
 * instance, whose context Airflow gives DAG callbacks; a runner runs them (executor/run-dag-callbacks.ts) and marks
 * them done. Returns how many requests were taken.
 */
export async function sendDagCallbacks(db: Database, cache: DagCache, options: DagCallbackOptions, log: (message: string) => void): Promise<number> {
  const room = options.executor.slotsAvailable();
  if (room <= 0) return 0;
  logFailures(options.executor, log);
  const requests = await claimCallbackRequests(db, Math.min(room, MAX_PER_PASS));
  for (const request of requests) {
    const workload = await callbackWorkload(db, cache, options, request);
    if (!workload) {
      log(`The ${request.kind} callbacks of ${request.dag_id} run ${request.run_id} were dropped: the DAG or the run's task instances are gone.`);
      continue;
    }
    options.executor.queue(workload);
  }
  return requests.length;
}

async function callbackWorkload(db: Database, cache: DagCache, options: DagCallbackOptions, request: CallbackRequestRow): Promise<Workload | null> {
  const stored = await cache.get(db, request.dag_id);
  if (!stored) return null;
  const order = new Map(stored.data.tasks.map((t, i) => [t.task_id, i]));
  const tis = await callbackCandidateTis(db, request.dag_id, request.run_id);
  // Airflow: the last task instance in the DAG's task order (removed ones excluded).
  const last = tis
    .filter((ti) => order.has(ti.task_id))
    .sort((a, b) => order.get(a.task_id)! - order.get(b.task_id)! || a.map_index - b.map_index)
    .at(-1);
  if (!last) return null;
  const key = { dagId: request.dag_id, runId: request.run_id, taskId: last.task_id, mapIndex: last.map_index };
  return {
    key,
    tryNumber: last.try_number,
    fileloc: stored.data.fileloc,
    queue: "default",
    priorityWeight: CALLBACK_PRIORITY,
    token: issueToken(options.secret, { ...key, tryNumber: last.try_number }),
    apiUrl: options.apiUrl,
    logPath: join(options.home, "logs", `dag_id=${key.dagId}`, `run_id=${key.runId}`, "dag_callbacks.log"),
    callback: {
      id: request.id,
      kind: request.kind,
      reason: request.reason,
      ti: { maxTries: last.max_tries, state: last.state, startDate: last.start_date?.toISOString() ?? null },
    },
  };
}

/** A callback that threw, or whose runner died, is logged here; it never changes the run's state. */
function logFailures(executor: Executor, log: (message: string) => void): void {
  if (watched.has(executor)) return;
  watched.add(executor);
  executor.onEvent((event) => {
    const callback = event.workload.callback;
    if (!callback || event.kind !== "exited" || (event.ok && event.reason === "callback_done")) return;
    const { dagId, runId } = event.workload.key;
    log(`The ${callback.kind === "dag_success" ? "success" : "failure"} callbacks of ${dagId} run ${runId} failed: ${event.reason} (log: ${event.workload.logPath})`);
  });
}
