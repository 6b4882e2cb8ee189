import type { DagCallback } from "../core/dag.ts";
import { buildTaskContext, describeError } from "../core/execution/execute-try.ts";
import { resolveParams } from "../core/params.ts";
import type { DagRunState } from "../core/types.ts";
import { runCallbackWorkload } from "./callback-workload.ts";
import { dagRunView } from "./dag-run-view.ts";
import type { Workload } from "./executor.ts";
import { loadDag } from "./load-dag.ts";
import { runSlaCallbacks } from "./run-sla-callbacks.ts";
import { runTaskCallbacks } from "./run-task-callbacks.ts";
import type { RunnerReply } from "./runner-protocol.ts";

/**
 * Runs a DAG's on_success_callback / on_failure_callback for one finished run, in a runner (the scheduler never runs
 * user code). As in Airflow, each callback gets the template context of the run's last task instance plus `reason`,
 * an exception in one is logged and the next still runs, and nothing a callback does changes the run's state. The
 * callback_request is marked done through the execution API, with the last task instance's token.
 */
export async function runDagCallbacks(workload: Workload): Promise<RunnerReply> {
  const request = workload.callback!;
  if (request.kind === "task_failed" || request.kind === "task_retry") return runTaskCallbacks(workload);
  if (request.kind === "sla_miss") return runSlaCallbacks(workload);
  return runCallbackWorkload(workload, async ({ client, log, errors, callEach }) => {
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
      try {
        context.params = resolveParams([dag.params, task.params], run.conf, `DAG "${dag.dagId}"`);
      } catch (error) {
        log.warn(`The callbacks get no params: ${describeError(error)}`);
      }
      await callEach(callbacks, (callback) => callback(context), (name) => `DAG ${state} callback ${name} failed`);
    } catch (error) {
      errors.push(describeError(error));
      log.error(`Could not run the DAG's callbacks: ${describeError(error)}`);
    }
    await client.callbackDone(request.id).catch((error: unknown) => log.error(`Could not mark the callback done: ${describeError(error)}`));
    log.info(errors.length ? `Done, ${errors.length} error(s)` : "Done");
  });
}
