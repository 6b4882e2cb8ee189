/**
 * A task runner process: receives workloads from its executor over IPC and runs them one at a time, reaching state only
 * through the execution API with each workload's token. It imports each DAG file once (again when the file changes)
 * and runs many tasks; the executor replaces it after a crash, a kill or N tasks. It also runs DAGs' success/failure
 * callbacks (run-dag-callbacks.ts): the scheduler never runs user code.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { describeError, executeTry } from "../core/execution/execute-try.ts";
import { ExecutionApiClient, TryConflictError } from "./api-client.ts";
import { dagRunView } from "./dag-run-view.ts";
import type { Workload } from "./executor.ts";
import { loadDag } from "./load-dag.ts";
import { runDagCallbacks } from "./run-dag-callbacks.ts";
import type { RunnerMessage, RunnerReply } from "./runner-protocol.ts";
import type { FinishRequest, StartResponse } from "../webserver/execution-api/protocol.ts";
import { finishesThroughExecutor } from "./api-transport.ts";
import { captureOutput, fileLogger } from "./task-log.ts";
import { deferralRequest } from "./deferral-request.ts";

const HEARTBEAT_MS = Number(process.env.UPDRAFT_TASK_HEARTBEAT_MS ?? 2000);

async function runWorkload(workload: Workload, started: StartResponse | undefined): Promise<RunnerReply> {
  const client = new ExecutionApiClient(workload.apiUrl, workload.token);
  let start;
  try {
    start = started ?? (await client.start(hostname(), process.pid));
  } catch (error) {
    if (error instanceof TryConflictError) return { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: "not_started" };
    throw error;
  }
  mkdirSync(dirname(workload.logPath), { recursive: true });
  const stream = createWriteStream(workload.logPath, { flags: "a" });
  const log = fileLogger(stream);
  const restore = captureOutput(stream);
  const stop = new AbortController();
  const heartbeat = setInterval(() => {
    client.heartbeat().then(
      (hb) => {
        if (hb.state !== "running") stop.abort(`its task instance is now ${hb.state ?? "cleared"}`);
      },
      () => {},
    );
  }, HEARTBEAT_MS);
  try {
    log.info(`Starting attempt ${workload.tryNumber} of ${start.ti.max_tries + 1} for ${workload.key.dagId}.${workload.key.taskId} (run ${workload.key.runId}${workload.key.mapIndex >= 0 ? `, map index ${workload.key.mapIndex}` : ""})`);
    let result;
    try {
      const dag = await loadDag(workload.fileloc, workload.key.dagId);
      const task = dag.getTask(workload.key.taskId);
      const dagRun = dagRunView(start.dag_run, "running");
      const prev = start.prev_success;
      result = await executeTry({
        task,
        dagRun,
        mapIndex: workload.key.mapIndex,
        tryNumber: start.ti.try_number,
        maxTries: start.ti.max_tries,
        startDate: new Date(start.ti.start_date),
        prevSuccess: prev
          ? {
              logicalDate: new Date(prev.logical_date),
              dataIntervalStart: prev.data_interval_start ? new Date(prev.data_interval_start) : null,
              dataIntervalEnd: prev.data_interval_end ? new Date(prev.data_interval_end) : null,
              startDate: prev.start_date ? new Date(prev.start_date) : null,
              endDate: prev.end_date ? new Date(prev.end_date) : null,
            }
          : null,
        prevExecutionDate: null,
        nextExecutionDate: null,
        expandedTiCount: start.expanded_ti_count,
        triggeringDatasetEvents: Object.fromEntries(Object.entries(start.triggering_dataset_events ?? {}).map(([uri, events]) => [uri, events.map((e) => ({
          uri: e.uri, extra: e.extra, timestamp: new Date(e.timestamp), sourceDagId: e.source_dag_id, sourceTaskId: e.source_task_id,
          sourceRunId: e.source_run_id, sourceMapIndex: e.source_map_index,
        }))])),
        runtime: client,
        log,
        signal: stop.signal,
        resume: start.ti.next_method ? { method: start.ti.next_method, kwargs: start.ti.next_kwargs ?? {} } : null,
      });
    } catch (error) {
      log.error(describeError(error));
      result = { state: "failed" as const, error: describeError(error), rendered: {}, renderedMapIndex: null };
    }
    if (stop.signal.aborted) {
      // Airflow: a TI set to another state while it ran is left as it is; no outcome, no callbacks.
      log.info(`Stopped: ${String(stop.signal.reason)}`);
      return { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: "stopped" };
    }
    log.info(`Task finished with state ${result.state}`);
    const finish: FinishRequest = {
      state: result.state,
      error: "error" in result ? result.error : null,
      next_retry_at: result.state === "up_for_retry" ? result.nextRetryAt.toISOString() : null,
      reschedule_at: result.state === "up_for_reschedule" ? result.rescheduleAt.toISOString() : null,
      deferral: result.state === "deferred" ? deferralRequest(result.deferral) : undefined,
      rendered: result.rendered,
      rendered_map_index: result.renderedMapIndex,
      log_path: workload.logPath,
      // Airflow: a dataset event per outlet, only for a try that succeeded.
      outlet_events: result.state === "success" ? (result.outletEvents ?? []) : [],
    };
    const done: RunnerReply = { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: result.state };
    // Through the pipe, the executor records the outcome on the runner's behalf, once the log is closed.
    if (finishesThroughExecutor()) return { ...done, finish };
    await client.finish(finish);
    return done;
  } finally {
    clearInterval(heartbeat);
    restore();
    await new Promise<void>((resolve) => stream.end(resolve));
  }
}

process.on("message", (message: RunnerMessage) => {
  if (message.type !== "run") return;
  (message.workload.callback ? runDagCallbacks(message.workload) : runWorkload(message.workload, message.started)).then(
    (reply) => process.send?.(reply),
    (error) =>
      process.send?.({ type: "done", key: message.workload.key, tryNumber: message.workload.tryNumber, outcome: "error", error: describeError(error) } satisfies RunnerReply),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" } satisfies RunnerReply);
