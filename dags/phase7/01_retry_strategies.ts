/**
 * phase7_01_retry_strategies — retrying what fails for a moment.
 *
 * Shows:
 * - `retries` and `retryDelay`: `fixed_delay` fails on its first try and succeeds on the second, 1 s later.
 * - `retryExponentialBackoff` with `maxRetryDelay`: `exponential_backoff` fails twice; the delay doubles each try
 *   (Airflow's formula: `retryDelay × 2^(try−1)` plus a jitter derived from the DAG, task, date and try, so the same
 *   run always waits the same), and `maxRetryDelay` caps it: here 1 s, then 2 s.
 * - `executionTimeout`: `timeout_then_retry`'s first call hangs; after 1 s the try is stopped and fails with a
 *   timeout, which is retryable, and the second try answers at once. Long waits should pass `context.signal` on, so
 *   that they end when the try is stopped.
 * - the try number from the context (`ti.tryNumber`, 1 for the first try) — here it makes each flaky task succeed on
 *   exactly its Nth try, so the run always ends the same way. `report` shows which try each one needed.
 * The delays are seconds to keep the example quick; Airflow's default `retryDelay` is 300 s.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { dag, getCurrentContext, task } from "updraft";

class ServiceUnavailableError extends Error {}

/** A call that fails until the try given succeeds: returns the try that succeeded. */
async function flakyCall(service: string, succeedsOnTry: number): Promise<number> {
  const { ti, log } = getCurrentContext();
  if (ti.tryNumber < succeedsOnTry) {
    throw new ServiceUnavailableError(`${service} answered 503 (try ${ti.tryNumber} of ${ti.maxTries + 1})`);
  }
  log.info(`${service} answered on try ${ti.tryNumber}`);
  return ti.tryNumber;
}

const fixedDelay = task({ taskId: "fixed_delay", retries: 3, retryDelay: 1 }, () => flakyCall("inventory service", 2));

const exponentialBackoff = task(
  { taskId: "exponential_backoff", retries: 4, retryDelay: 1, retryExponentialBackoff: true, maxRetryDelay: 2 },
  () => flakyCall("pricing service", 3),
);

const timeoutThenRetry = task(
  { taskId: "timeout_then_retry", retries: 1, retryDelay: 1, executionTimeout: 1 },
  async function timeoutThenRetry(): Promise<number> {
    const { ti, signal } = getCurrentContext();
    // The first call hangs for a minute; the execution timeout stops it after 1 s and aborts `signal`.
    if (ti.tryNumber === 1) await sleep(60_000, undefined, { signal });
    return ti.tryNumber;
  },
);

const report = task(async function report(fixed: number, backoff: number, timeout: number): Promise<string> {
  const line = `succeeded on try ${fixed} (fixed delay), ${backoff} (exponential backoff), ${timeout} (after a timeout)`;
  getCurrentContext().log.info(line);
  return line;
});

export default dag(
  {
    dagId: "phase7_01_retry_strategies",
    description: "Retries with a fixed delay, exponential backoff with a cap, and an execution timeout that is retried",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase7", "resilience", "retries"],
  },
  () => {
    report(fixedDelay(), exponentialBackoff(), timeoutThenRetry());
  },
);
