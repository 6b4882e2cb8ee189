import { setTimeout as sleep } from "node:timers/promises";

export interface RateLimit {
  /** Requests per second on average. */
  requestsPerSecond: number;
  /** Requests that may go at once after a quiet period. Default 1. */
  burst?: number;
}

/** A token bucket: `acquire` waits until a request may go. */
export class TokenBucket {
  private tokens: number;
  private updatedAt = performance.now();
  private queue: Promise<void> = Promise.resolve();
  private readonly capacity: number;

  constructor(readonly limit: RateLimit) {
    if (!(limit.requestsPerSecond > 0)) throw new Error(`rateLimit.requestsPerSecond must be > 0, got ${limit.requestsPerSecond}.`);
    this.capacity = Math.max(1, limit.burst ?? 1);
    this.tokens = this.capacity;
  }

  /** Resolves when a token was taken; concurrent callers are served in order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal));
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await sleep(((1 - this.tokens) / this.limit.requestsPerSecond) * 1000, undefined, { signal });
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.limit.requestsPerSecond);
    this.updatedAt = now;
  }
}

const buckets = new Map<string, TokenBucket>();

/** One bucket per connection and limit in a process, so every hook on the connection shares it. */
export function tokenBucketFor(key: string, limit: RateLimit): TokenBucket {
  const id = `${key}\u0000${limit.requestsPerSecond}\u0000${limit.burst ?? 1}`;
  let bucket = buckets.get(id);
  if (!bucket) buckets.set(id, (bucket = new TokenBucket(limit)));
  return bucket;
}
