import { createHash } from "node:crypto";
import { pythonStr } from "../dates.ts";
import { DEFAULTS, type TaskState } from "../types.ts";

/**
 * Whether a failed try goes to `up_for_retry` rather than `failed` (Airflow's `is_eligible_to_retry`). A TI cleared while
 * running (`restarting`) always retries. Forced failures (FailTask, sensor timeout) skip this check and fail.
 */
export function isRetryEligible(
  ti: { state: TaskState; tryNumber: number; maxTries: number },
  task: { retries: number },
): boolean {
  if (ti.state === "restarting") return true;
  return task.retries > 0 && ti.tryNumber <= ti.maxTries;
}

export interface NextRetryArgs {
  /** When the failed try ended. */
  endDate: Date;
  retryDelaySeconds: number;
  exponentialBackoff: boolean;
  /** The task's `max_retry_delay`; like Airflow, 0 and null mean "no cap". Applies only with backoff. */
  maxRetryDelaySeconds?: number | null;
  /** `core.max_task_retry_delay`. Applies only with backoff. */
  maxTaskRetryDelaySeconds?: number;
  dagId: string;
  taskId: string;
  logicalDate: Date;
  /** The try number of the try that just failed (2.10 numbering: the first try is 1). */
  tryNumber: number;
}

/** The earliest time an `up_for_retry` TI may be scheduled again (Airflow 2.10 `next_retry_datetime`). */
export function nextRetryAt(args: NextRetryArgs): Date {
  const seconds = args.exponentialBackoff ? backoffDelaySeconds(args) : args.retryDelaySeconds;
  return new Date(args.endDate.getTime() + seconds * 1000);
}

/**
 * `ceil(d·2^(n−1))` (at least 1) plus a deterministic jitter of up to the same amount again, taken from the sha1 of the
 * TI's identity, so every scheduler computes the same time for the same try.
 */
export function backoffDelaySeconds(
  args: Omit<NextRetryArgs, "endDate" | "exponentialBackoff">,
): number {
  const globalCap = args.maxTaskRetryDelaySeconds ?? DEFAULTS.maxTaskRetryDelaySeconds;
  const base = Math.ceil(args.retryDelaySeconds * 2 ** (args.tryNumber - 1));
  let seconds: number;
  if (!Number.isFinite(base)) {
    // Python raises OverflowError here (try numbers past ~1000); the cap is the only sensible answer.
    seconds = globalCap;
  } else {
    const minBackoff = base < 1 ? 1n : BigInt(base);
    const key = `${args.dagId}#${args.taskId}#${pythonStr(args.logicalDate)}#${args.tryNumber}`;
    const hash = BigInt(`0x${createHash("sha1").update(key, "utf8").digest("hex")}`);
    seconds = Math.min(Number(minBackoff + (hash % minBackoff)), globalCap);
  }
  if (args.maxRetryDelaySeconds) seconds = Math.min(args.maxRetryDelaySeconds, seconds);
  return seconds;
}
