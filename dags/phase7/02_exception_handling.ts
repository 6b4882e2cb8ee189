/**
 * phase7_02_exception_handling — failing well.
 *
 * Shows:
 * - custom error classes that say whether a failure is worth retrying: a `TransientError` (a 503, a dropped
 *   connection) is thrown as it is, so the task retries (`fetch_rates` succeeds on its second try); a
 *   `PermanentError` (rejected credentials, a malformed file) is turned into `AirflowFailException` (`FailTask`), which
 *   fails the task at once without spending its retries (`fetch_orders_primary` fails on try 1 of 3).
 * - a fallback path with trigger rules: `fetch_orders_fallback` (`one_failed`) runs only because the primary source
 *   failed — had it succeeded, the fallback would be skipped; `merge_orders` (`one_success`) continues with whichever
 *   source delivered; `cleanup` (`all_done`) runs whatever happened upstream.
 * - `onFailureCallback` (alert when a task has failed for good, with the error in `context.exception`) and
 *   `onRetryCallback` (note each retry).
 * The run succeeds although a task failed: as in Airflow, a run's state is decided by its leaf tasks (here `cleanup`).
 */
import { dag, getCurrentContext, task, AirflowFailException, type TaskContext } from "updraft";

/** Worth retrying: the same call may work a moment later. */
class TransientError extends Error {
  override name = "TransientError";
}

/** Not worth retrying: the same call will fail the same way until someone fixes something. */
class PermanentError extends Error {
  override name = "PermanentError";
}

/** Runs `call`; a permanent error fails the task at once, anything else is left to the task's retries. */
async function withErrorPolicy<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof PermanentError) throw new AirflowFailException(`${error.name}: ${error.message}`);
    throw error;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function alertOnFailure(context: TaskContext): void {
  context.log.error(`ALERT ${context.dag.dagId}.${context.task.taskId} failed for good on try ${context.ti.tryNumber}: ${messageOf(context.exception)}`);
}

function noteRetry(context: TaskContext): void {
  context.log.warn(`${context.task.taskId} will retry after try ${context.ti.tryNumber}: ${messageOf(context.exception)}`);
}

const fetchRates = task(
  { taskId: "fetch_rates", retries: 2, retryDelay: 1, onRetryCallback: noteRetry, onFailureCallback: alertOnFailure },
  () =>
    withErrorPolicy(async () => {
      if (getCurrentContext().ti.tryNumber === 1) throw new TransientError("rates service answered 503");
      return { EUR: 1, USD: 1.08 };
    }),
);

const fetchOrdersPrimary = task(
  { taskId: "fetch_orders_primary", retries: 2, retryDelay: 1, onRetryCallback: noteRetry, onFailureCallback: alertOnFailure },
  () =>
    withErrorPolicy(async (): Promise<number[]> => {
      throw new PermanentError("orders database rejected the credentials of user 'etl'");
    }),
);

const fetchOrdersFallback = task(
  { taskId: "fetch_orders_fallback", triggerRule: "one_failed" },
  async function fetchOrdersFallback(): Promise<number[]> {
    getCurrentContext().log.warn("Primary orders source failed: using yesterday's cached extract");
    return [120, 80, 42];
  },
);

const mergeOrders = task({ taskId: "merge_orders", triggerRule: "one_success" }, async function mergeOrders(): Promise<number[]> {
  const { ti } = getCurrentContext();
  const [primary, fallback] = (await ti.xcomPull<Array<number[] | null>>({ taskIds: ["fetch_orders_primary", "fetch_orders_fallback"] })) ?? [];
  return primary ?? fallback ?? [];
});

const load = task(async function load(orders: number[], rates: Record<string, number>): Promise<string> {
  const total = orders.reduce((a, b) => a + b, 0) * (rates.USD ?? 1);
  return `Loaded ${orders.length} orders worth USD ${total.toFixed(2)}`;
});

const cleanup = task({ taskId: "cleanup", triggerRule: "all_done" }, async function cleanup(): Promise<void> {
  getCurrentContext().log.info("Closing connections and removing temporary files");
});

export default dag(
  {
    dagId: "phase7_02_exception_handling",
    description: "Transient errors retry, permanent ones fail at once; a fallback path, failure callbacks, cleanup",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase7", "resilience", "error-handling"],
  },
  () => {
    const primary = fetchOrdersPrimary();
    const fallback = fetchOrdersFallback();
    primary.then(fallback);
    const merged = mergeOrders();
    [primary, fallback].forEach((source) => source.then(merged));
    load(merged, fetchRates()).then(cleanup());
  },
);
