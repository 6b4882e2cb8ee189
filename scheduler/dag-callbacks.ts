import { join } from "node:path";
import { issueToken } from "../core/execution-token.ts";
import type { SerializedDag } from "../core/serialization.ts";
import type { Database } from "../core/store/database.ts";
import { callbackCandidateTis, claimCallbackRequests, taskInstanceForCallback, type CallbackRequestRow } from "../core/store/queries/callback-requests.ts";
import type { Executor, Workload } from "../executor/executor.ts";
import type { DagCache } from "./dag-cache.ts";
import { logPathFor } from "./scheduler.ts";

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
const CALLBACK_NAMES = { dag_success: "success", dag_failed: "failure", task_failed: "on_failure", task_retry: "on_retry", sla_miss: "sla_miss" } as const;

/**
 * Airflow's "send callbacks" step: the success/failure callbacks the scheduler requested when runs finished
 * (`callback_request` rows) go to the executor as callback workloads, each with a token for the run's last task
 * instance, whose context Airflow gives DAG callbacks; a runner runs them (executor/run-dag-callbacks.ts) and marks
 * them done. Task callbacks of tries failed from outside their runner (zombies, dead runners, the timeout backstop:
 * failure.ts) go the same way with the failed try's own token. Returns how many requests were taken.
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
  if (request.task_id !== null) return taskCallbackWorkload(db, stored.data.fileloc, options, request);
  if (request.kind === "sla_miss") return slaCallbackWorkload(stored.data, options, request);
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

/** Airflow's TaskCallbackRequest: the failed try's own key and token, its log file, the TI as the failure left it. */
async function taskCallbackWorkload(db: Database, fileloc: string, options: DagCallbackOptions, request: CallbackRequestRow): Promise<Workload | null> {
  const key = { dagId: request.dag_id, runId: request.run_id, taskId: request.task_id!, mapIndex: request.map_index ?? -1 };
  const ti = await taskInstanceForCallback(db, key);
  if (!ti) return null;
  const tryNumber = request.try_number ?? ti.try_number;
  return {
    key,
    tryNumber,
    fileloc,
    queue: "default",
    priorityWeight: CALLBACK_PRIORITY,
    token: issueToken(options.secret, { ...key, tryNumber }),
    apiUrl: options.apiUrl,
    logPath: logPathFor(options.home, key, tryNumber),
    callback: {
      id: request.id,
      kind: request.kind,
      reason: request.reason,
      ti: { maxTries: ti.max_tries, state: request.kind === "task_failed" ? "failed" : "up_for_retry", startDate: ti.start_date?.toISOString() ?? null },
    },
  };
}

/**
 * The sla_miss_callback's workload: the routes it uses need only the DAG, so the token names the DAG's latest run (the
 * request's) and its first task, at try 0, which no try ever has.
 */
function slaCallbackWorkload(dag: SerializedDag, options: DagCallbackOptions, request: CallbackRequestRow): Workload | null {
  const task = dag.tasks.find((t) => t.sla !== null && t.sla !== undefined) ?? dag.tasks[0];
  if (!task) return null;
  const key = { dagId: request.dag_id, runId: request.run_id, taskId: task.task_id, mapIndex: -1 };
  return {
    key,
    tryNumber: 0,
    fileloc: dag.fileloc,
    queue: "default",
    priorityWeight: CALLBACK_PRIORITY,
    token: issueToken(options.secret, { ...key, tryNumber: 0 }),
    apiUrl: options.apiUrl,
    logPath: join(options.home, "logs", `dag_id=${key.dagId}`, "sla_callbacks.log"),
    callback: { id: request.id, kind: request.kind, reason: request.reason, ti: { maxTries: 0, state: null, startDate: null } },
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
    log(`The ${CALLBACK_NAMES[callback.kind]} callbacks of ${dagId}${callback.kind.startsWith("task_") ? `.${event.workload.key.taskId}` : ""} run ${runId} failed: ${event.reason} (log: ${event.workload.logPath})`);
  });
}
