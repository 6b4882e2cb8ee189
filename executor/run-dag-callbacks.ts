import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DagCallback } from "../core/dag.ts";
import { buildTaskContext, describeError } from "../core/execution/execute-try.ts";
import type { DagRunState } from "../core/types.ts";
import { ExecutionApiClient } from "./api-client.ts";
import { dagRunView } from "./dag-run-view.ts";
import type { Workload } from "./executor.ts";
import { loadDag } from "./load-dag.ts";
import type { RunnerReply } from "./runner-protocol.ts";
import { captureOutput, fileLogger } from "./task-log.ts";

/**
 * A callback that has not returned after this long is abandoned (logged as failed) so that the runner can take other
 * work; Airflow bounds callbacks by its DAG processor's timeout (50 s by default) in the same way.
 */
const CALLBACK_TIMEOUT_MS = Number(process.env.UPDRAFT_DAG_CALLBACK_TIMEOUT_SEC ?? 60) * 1000;

/**
 * Runs a DAG's on_success_callback / on_failure_callback for one finished run, in a runner (the scheduler never runs
 * user code). As in Airflow, each callback gets the template context of the run's last task instance plus `reason`,
 * an exception in one is logged and the next still runs, and nothing a callback does changes the run's state. The
 * callback_request is marked done through the execution API, with the last task instance's token.
 */
export async function runDagCallbacks(workload: Workload): Promise<RunnerReply> {
  const request = workload.callback!;
  const client = new ExecutionApiClient(workload.apiUrl, workload.token);
  mkdirSync(dirname(workload.logPath), { recursive: true });
  const stream = createWriteStream(workload.logPath, { flags: "a" });
  const log = fileLogger(stream);
  const restore = captureOutput(stream);
  const errors: string[] = [];
  try {
    const state: DagRunState = request.kind === "dag_success" ? "success" : "failed";
    log.info(`Running the DAG's ${state} callbacks for ${workload.key.dagId} run ${workload.key.runId} (reason: ${request.reason ?? "none"})`);
    try {
      const [dag, run] = await Promise.all([loadDag(workload.fileloc, workload.key.dagId), client.run()]);
      const callbacks: readonly DagCallback[] = state === "success" ? dag.onSuccessCallback : dag.onFailureCallback;
      let task = dag.tasks.get(workload.key.taskId);
      if (!task) {
        task = [...dag.tasks.values()].at(-1)!;
        log.warn(`Task "${workload.key.taskId}" is no longer in the DAG file; the callbacks get the context of "${task.taskId}".`);
      }
      const context = buildTaskContext(
        {
          task, dagRun: dagRunView(run, state), mapIndex: workload.key.mapIndex, tryNumber: workload.tryNumber,
          maxTries: request.ti.maxTries, startDate: request.ti.startDate ? new Date(request.ti.startDate) : new Date(),
          prevSuccess: null, prevExecutionDate: null, nextExecutionDate: null, expandedTiCount: null, runtime: client, log,
        },
        new AbortController().signal,
      );
      context.ti.state = request.ti.state;
      context.reason = request.reason ?? undefined;
      for (const callback of callbacks) {
        try {
          await withTimeout(Promise.resolve().then(() => callback(context)), CALLBACK_TIMEOUT_MS);
        } catch (error) {
          errors.push(`${callback.name || "(anonymous)"}: ${describeError(error)}`);
          log.error(`DAG ${state} callback ${callback.name || "(anonymous)"} failed: ${describeError(error)}`);
        }
      }
    } catch (error) {
      errors.push(describeError(error));
      log.error(`Could not run the DAG's callbacks: ${describeError(error)}`);
    }
    await client.callbackDone(request.id).catch((error: unknown) => log.error(`Could not mark the callback done: ${describeError(error)}`));
    log.info(errors.length ? `Done, ${errors.length} error(s)` : "Done");
  } finally {
    restore();
    await new Promise<void>((resolve) => stream.end(resolve));
  }
  // Never "error": that would make the scheduler treat the last task instance's try as crashed.
  return errors.length
    ? { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: "callback_failed", error: errors.join("; ") }
    : { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: "callback_done" };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not return within ${ms / 1000}s; abandoned`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
