import { buildTaskContext, describeError } from "../core/execution/execute-try.ts";
import { resolveParams } from "../core/params.ts";
import { runCallbackWorkload } from "./callback-workload.ts";
import { dagRunView } from "./dag-run-view.ts";
import type { Workload } from "./executor.ts";
import { loadDag } from "./load-dag.ts";
import type { RunnerReply } from "./runner-protocol.ts";

/**
 * Runs the on_failure_callback (or on_retry_callback) of a try that was failed from outside its runner — it was killed,
 * its runner died, it stopped heartbeating, or the scheduler ended it past its execution_timeout — as Airflow's DAG
 * processor runs a TaskCallbackRequest: with the try's full context (`ti` in its new state, `dag_run`, `params`, and
 * `exception` saying why), appended to the try's own log. A callback that throws is logged; the next still runs.
 */
export async function runTaskCallbacks(workload: Workload): Promise<RunnerReply> {
  const request = workload.callback!;
  const name = request.kind === "task_failed" ? "on_failure_callback" : "on_retry_callback";
  return runCallbackWorkload(workload, async ({ client, log, errors, callEach }) => {
    log.info(`The try was failed outside its runner (${request.reason ?? "no reason"}); running its ${name}s`);
    try {
      const [dag, run] = await Promise.all([loadDag(workload.fileloc, workload.key.dagId), client.run()]);
      const task = dag.getTask(workload.key.taskId);
      const callbacks = request.kind === "task_failed" ? task.onFailureCallback : task.onRetryCallback;
      const context = buildTaskContext(
        {
          task, dagRun: dagRunView(run, "running"), mapIndex: workload.key.mapIndex, tryNumber: workload.tryNumber,
          maxTries: request.ti.maxTries, startDate: request.ti.startDate ? new Date(request.ti.startDate) : new Date(),
          prevSuccess: null, prevExecutionDate: null, nextExecutionDate: null, expandedTiCount: null, runtime: client, log,
        },
        new AbortController().signal,
      );
      context.ti.state = request.ti.state;
      context.exception = new Error(request.reason ?? "The try was failed outside its runner.");
      try {
        context.params = resolveParams([dag.params, task.params], run.conf, `DAG "${dag.dagId}"`);
      } catch (error) {
        log.warn(`The callbacks get no params: ${describeError(error)}`);
      }
      // Airflow's email_on_failure / email_on_retry, for a try failed outside its runner too.
      if (task.email.length) await (await import("../notifications/task-email.ts")).sendTaskAlertEmail(task, context, request.kind === "task_failed" ? "failed" : "up_for_retry");
      await callEach(callbacks, (callback) => callback(context), (callbackName) => `Error in ${name} ${callbackName}`);
    } catch (error) {
      errors.push(describeError(error));
      log.error(`Could not run the ${name}s: ${describeError(error)}`);
    }
    await client.callbackDone(request.id).catch((error: unknown) => log.error(`Could not mark the callback done: ${describeError(error)}`));
  });
}
