import { describe, expect, it } from "vitest";
import { isRetryEligible, nextRetryAt, type NextRetryArgs } from "../core/semantics/retry.ts";
import type { TaskState } from "../core/types.ts";

describe("isRetryEligible (Airflow 2.10 is_eligible_to_retry)", () => {
  it.each<[string, TaskState, number, number, number, boolean]>([
    // situation, state, tryNumber, maxTries, task.retries, eligible
    ["first try of a task with 2 retries", "running", 1, 2, 2, true],
    ["last allowed try (try_number = max_tries)", "running", 2, 2, 2, true],
    ["retries exhausted", "running", 3, 2, 2, false],
    ["task without retries", "running", 1, 0, 0, false],
    ["task without retries, even if max_tries was raised", "running", 1, 3, 0, false],
    ["cleared after failing twice (max_tries = 2 + retries)", "running", 3, 4, 2, true],
    ["cleared while running: restarting always retries", "restarting", 5, 0, 0, true],
  ])("%s → %s", (_situation, state, tryNumber, maxTries, retries, eligible) => {
    expect(isRetryEligible({ state, tryNumber, maxTries }, { retries })).toBe(eligible);
  });
});

const END = new Date("2024-01-01T00:10:00Z");
const base: NextRetryArgs = {
  endDate: END,
  retryDelaySeconds: 10,
  exponentialBackoff: true,
  dagId: "example_dag",
  taskId: "flaky",
  logicalDate: new Date("2024-01-01T00:00:00Z"),
  tryNumber: 1,
};
const delayOf = (overrides: Partial<NextRetryArgs>): number => (nextRetryAt({ ...base, ...overrides }).getTime() - END.getTime()) / 1000;

describe("nextRetryAt (Airflow 2.10 next_retry_datetime)", () => {
  it.each<[string, Partial<NextRetryArgs>, number]>([
    // Expected values are Airflow's formula run in Python: min_backoff + sha1(key) % min_backoff.
    ["reference example, try 1", { tryNumber: 1 }, 15],
    ["reference example, try 2", { tryNumber: 2 }, 34],
    ["reference example, try 3", { tryNumber: 3 }, 42],
    ["reference example, try 4", { tryNumber: 4 }, 112],
    ["reference example, try 5", { tryNumber: 5 }, 172],
    ["microseconds in the logical date enter the hash", { dagId: "etl", taskId: "load", retryDelaySeconds: 60, logicalDate: new Date("2024-03-05T06:07:08.123Z"), tryNumber: 1 }, 73],
    ["microseconds in the logical date, try 2", { dagId: "etl", taskId: "load", retryDelaySeconds: 60, logicalDate: new Date("2024-03-05T06:07:08.123Z"), tryNumber: 2 }, 211],
    ["microseconds in the logical date, try 3", { dagId: "etl", taskId: "load", retryDelaySeconds: 60, logicalDate: new Date("2024-03-05T06:07:08.123Z"), tryNumber: 3 }, 453],
    ["non-ASCII ids are hashed as UTF-8", { dagId: "dåg", taskId: "tâsk", retryDelaySeconds: 100 }, 159],
    ["fractional delay is rounded up: ceil(1.5) = 2", { retryDelaySeconds: 1.5 }, 3],
    ["fractional delay, try 2: ceil(2.5 × 2) = 5", { retryDelaySeconds: 2.5, tryNumber: 2 }, 9],
    ["delay below one second becomes 1", { retryDelaySeconds: 0.3 }, 1],
    ["zero delay becomes 1", { retryDelaySeconds: 0 }, 1],
    ["global cap (core.max_task_retry_delay, 86400 s)", { retryDelaySeconds: 3600, tryNumber: 6 }, 86_400],
    ["global cap after many tries", { retryDelaySeconds: 300, tryNumber: 20 }, 86_400],
    ["absurd try number still gives the cap", { retryDelaySeconds: 300, tryNumber: 5000 }, 86_400],
    ["large values without a cap use exact big-integer arithmetic", { retryDelaySeconds: 300, tryNumber: 20, maxTaskRetryDelaySeconds: 1e12 }, 298_923_573],
    ["configured global cap", { tryNumber: 3, maxTaskRetryDelaySeconds: 40 }, 40],
    ["configured global cap above the delay", { tryNumber: 3, maxTaskRetryDelaySeconds: 100 }, 42],
    ["per-task max_retry_delay", { tryNumber: 3, maxRetryDelaySeconds: 30 }, 30],
    ["per-task max_retry_delay may be fractional", { tryNumber: 1, maxRetryDelaySeconds: 12.5 }, 12.5],
    ["per-task max_retry_delay above the delay", { tryNumber: 3, maxRetryDelaySeconds: 60 }, 42],
    ["max_retry_delay 0 means no cap (falsy in Airflow)", { tryNumber: 3, maxRetryDelaySeconds: 0 }, 42],
    ["max_retry_delay null means no cap", { tryNumber: 3, maxRetryDelaySeconds: null }, 42],
    ["per-task cap below the global cap", { retryDelaySeconds: 3600, tryNumber: 6, maxRetryDelaySeconds: 7200 }, 7200],
  ])("backoff: %s → %s s", (_situation, overrides, seconds) => {
    expect(delayOf(overrides)).toBe(seconds);
  });

  it.each<[string, Partial<NextRetryArgs>, number]>([
    ["plain retry_delay", { retryDelaySeconds: 300, tryNumber: 1 }, 300],
    ["same delay on every try", { retryDelaySeconds: 300, tryNumber: 4 }, 300],
    ["fractional delay kept", { retryDelaySeconds: 0.5 }, 0.5],
    ["no caps without backoff (Airflow applies them only to the backoff)", { retryDelaySeconds: 600, maxRetryDelaySeconds: 60, maxTaskRetryDelaySeconds: 100 }, 600],
  ])("no backoff: %s → %s s", (_situation, overrides, seconds) => {
    expect(delayOf({ exponentialBackoff: false, ...overrides })).toBe(seconds);
  });

  it("adds the delay to the end of the failed try", () => {
    expect(nextRetryAt({ ...base, tryNumber: 2 }).toISOString()).toBe("2024-01-01T00:10:34.000Z");
  });
});
