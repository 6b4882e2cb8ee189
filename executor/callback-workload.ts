import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { describeError } from "../core/execution/execute-try.ts";
import type { TaskLogger } from "../core/context.ts";
import { ExecutionApiClient } from "./api-client.ts";
import type { Workload } from "./executor.ts";
import type { RunnerReply } from "./runner-protocol.ts";
import { captureOutput, fileLogger } from "./task-log.ts";

/**
 * A callback that has not returned after this long is abandoned (logged as failed) so that the runner can take other
 * work; Airflow bounds callbacks by its DAG processor's timeout (50 s by default) in the same way.
 */
export const CALLBACK_TIMEOUT_MS = Number(process.env.UPDRAFT_DAG_CALLBACK_TIMEOUT_SEC ?? 60) * 1000;

export interface CallbackRun {
  client: ExecutionApiClient;
  log: TaskLogger;
  /** What went wrong, one entry each; the workload's reply says `callback_failed` when there is any. */
  errors: string[];
  /** Calls each callback in turn under the timeout; one that throws is logged and recorded, and the next still runs. */
  callEach<F extends (...args: never[]) => unknown>(callbacks: readonly F[], call: (callback: F) => unknown, describe: (name: string) => string): Promise<number>;
}

/**
 * Runs a callback workload (DAG, task or SLA-miss callbacks) in a runner: with the execution API client of the token it
 * carries, its output appended to its log file, and a reply that is never "error" (that would make the scheduler treat
 * the try whose token it borrows as crashed).
 */
export async function runCallbackWorkload(workload: Workload, body: (run: CallbackRun) => Promise<void>): Promise<RunnerReply> {
  const client = new ExecutionApiClient(workload.apiUrl, workload.token);
  mkdirSync(dirname(workload.logPath), { recursive: true });
  const stream = createWriteStream(workload.logPath, { flags: "a" });
  const log = fileLogger(stream);
  const restore = captureOutput(stream);
  const errors: string[] = [];
  const callEach: CallbackRun["callEach"] = async (callbacks, call, describe) => {
    let returned = 0;
    for (const callback of callbacks) {
      const name = callback.name || "(anonymous)";
      try {
        await withTimeout(Promise.resolve().then(() => call(callback)), CALLBACK_TIMEOUT_MS);
        returned++;
      } catch (error) {
        errors.push(`${name}: ${describeError(error)}`);
        log.error(`${describe(name)}: ${describeError(error)}`);
      }
    }
    return returned;
  };
  try {
    await body({ client, log, errors, callEach });
  } catch (error) {
    errors.push(describeError(error));
    log.error(describeError(error));
  } finally {
    restore();
    await new Promise<void>((resolve) => stream.end(resolve));
  }
  return errors.length
    ? { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: "callback_failed", error: errors.join("; ") }
    : { type: "done", key: workload.key, tryNumber: workload.tryNumber, outcome: "callback_done" };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not return within ${ms / 1000}s; abandoned`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
