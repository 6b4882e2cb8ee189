/**
 * A task runner process: receives workloads from its executor over IPC and runs them one at a time, reaching state only
 * through the execution API with each workload's token. It imports each DAG file once (again when the file changes)
 * and runs many tasks; the executor replaces it after a crash, a kill or N tasks.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { DagRunView, TaskLogger } from "../core/context.ts";
import type { DAG } from "../core/dag.ts";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { describeError, executeTry } from "../core/execution/execute-try.ts";
import type { DagRunType } from "../core/types.ts";
import { ExecutionApiClient, TryConflictError } from "./api-client.ts";
import type { Workload } from "./executor.ts";
import type { RunnerMessage, RunnerReply } from "./runner-protocol.ts";

const HEARTBEAT_MS = Number(process.env.UPDRAFT_TASK_HEARTBEAT_MS ?? 2000);
const loaded = new Map<string, { mtimeMs: number; bag: DagBag }>();

async function loadDag(fileloc: string, dagId: string): Promise<DAG> {
  const { mtimeMs } = await stat(fileloc);
  let entry = loaded.get(fileloc);
  if (!entry || entry.mtimeMs !== mtimeMs) {
    const bag = new DagBag(dirname(fileloc));
    await bag.loadFile(fileloc);
    entry = { mtimeMs, bag };
    loaded.set(fileloc, entry);
  }
  const error = entry.bag.importErrors[0];
  if (error) throw new Error(`DAG file ${fileloc} failed to load: ${error.message}`);
  return entry.bag.getDag(dagId);
}

function fileLogger(stream: WriteStream): TaskLogger {
  const write = (level: string) => (message: string, ...args: unknown[]) =>
    stream.write(`[${new Date().toISOString()}] {${level}} ${args.length ? `${message} ${args.map(String).join(" ")}` : message}\n`);
  return { info: write("INFO"), warn: write("WARNING"), error: write("ERROR"), debug: write("DEBUG") };
}

/** While a task runs, whatever it prints goes to its log too. */
function captureOutput(stream: WriteStream): () => void {
  const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tee = (chunk: string | Uint8Array) => {
    stream.write(chunk);
    return true;
  };
  process.stdout.write = tee as typeof process.stdout.write;
  process.stderr.write = tee as typeof process.stderr.write;
  return () => {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  };
}

async function runWorkload(workload: Workload): Promise<RunnerReply> {
  const client = new ExecutionApiClient(workload.apiUrl, workload.token);
  let start;
  try {
    start = await client.start(hostname(), process.pid);
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
      const run = start.dag_run;
      const dagRun: DagRunView = {
        dagId: run.dag_id, runId: run.run_id, runType: run.run_type as DagRunType, logicalDate: new Date(run.logical_date),
        dataIntervalStart: new Date(run.data_interval_start), dataIntervalEnd: new Date(run.data_interval_end),
        externalTrigger: run.external_trigger, conf: run.conf, state: "running", startDate: run.start_date ? new Date(run.start_date) : null,
      };
      const prev = start.prev_success;
      result = await executeTry({
        task: dag.getTask(workload.key.taskId),
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
        runtime: client,
        log,
        signal: stop.signal,
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
    await client.finish({
      state: result.state,
      error: "error" in result ? result.error : null,
      next_retry_at: result.state === "up_for_retry" ? result.nextRetryAt.toISOString() : null,
      reschedule_at: result.state === "up_for_reschedule" ? result.rescheduleAt.toISOString() : null,
      rendered: result.rendered,
      rendered_map_index: result.renderedMapIndex,
      log_path: workload.logPath,
    });
    return { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: result.state };
  } finally {
    clearInterval(heartbeat);
    restore();
    await new Promise<void>((resolve) => stream.end(resolve));
  }
}

process.on("message", (message: RunnerMessage) => {
  if (message.type !== "run") return;
  runWorkload(message.workload).then(
    (reply) => process.send?.(reply),
    (error) =>
      process.send?.({ type: "done", key: message.workload.key, tryNumber: message.workload.tryNumber, outcome: "error", error: describeError(error) } satisfies RunnerReply),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" } satisfies RunnerReply);
