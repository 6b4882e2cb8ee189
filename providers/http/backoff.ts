export interface RetryPolicy {
  /** Retries after the first attempt for 5xx, 429 and network errors. */
  retries: number;
  /** Seconds before the first retry; doubled each time. */
  initialDelay: number;
  /** Cap on one wait, Retry-After included. */
  maxDelay: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, initialDelay: 1, maxDelay: 60 };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Seconds to wait before retry `attempt` (1-based): the server's Retry-After (seconds or an HTTP date) when it
 * sent one, else exponential backoff; at most `maxDelay`.
 */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number, retryAfter: string | null, now = Date.now()): number {
  let delay = policy.initialDelay * 2 ** (attempt - 1);
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) delay = Math.max(0, seconds);
    else if (!Number.isNaN(Date.parse(retryAfter))) delay = Math.max(0, (Date.parse(retryAfter) - now) / 1000);
  }
  return Math.min(delay, policy.maxDelay);
}
