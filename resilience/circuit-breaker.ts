import type { TaskContext, TaskLogger } from "../core/context.ts";
import { getCurrentContext } from "../core/current-context.ts";
import { durationToMs, durationToSeconds, type Duration } from "../core/dates.ts";
import { UpdraftError } from "../core/errors.ts";
import { runtimeOf } from "../core/runtime.ts";
import type { BreakerBackend } from "./breaker-backend.ts";
import { validateConfig, type BreakerConfig, type BreakerPermit, type BreakerState } from "./breaker-state.ts";

export interface CircuitBreakerOptions<F = never> {
  /** Names the shared state: every task, run and worker using this name shares one breaker. */
  name: string;
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long an open breaker rejects calls before it lets trials through. Default 60 s. */
  resetTimeout?: Duration;
  /** Trial calls a half-open breaker admits; that many successes close it, one failure opens it again. Default 1. */
  halfOpenTrials?: number;
  /** Called instead of throwing when the call is rejected (open breaker) or fails; its value is the call's result. */
  fallback?: Fallback<F>;
  /**
   * Which errors count as failures of the dependency. Default: every error. Others (a 400 for a bad request) are
   * rethrown, get no fallback, and count as the dependency having answered, i.e. as a success.
   */
  isFailure?: (error: unknown) => boolean;
  /** How long to wait for the shared state before going ahead without it. Default 2 s (UPDRAFT_BREAKER_STORE_TIMEOUT_MS). */
  storeTimeout?: Duration;
}

export type Fallback<F> = (error: unknown, info: { rejected: boolean; state: BreakerState }) => F | Promise<F>;

export interface CallOptions<G> {
  context?: TaskContext;
  fallback?: Fallback<G>;
}

/** The breaker is open: the call was not made. */
export class CircuitOpenError extends UpdraftError {
  constructor(readonly breaker: string, readonly retryAt: Date | null) {
    super("CIRCUIT_OPEN", `Circuit breaker "${breaker}" is open: the call was not made${retryAt ? `; a trial call is allowed from ${retryAt.toISOString()}` : ""}. Reset it on the UI's Breakers page if the dependency is back.`);
  }
}

/**
 * If the store cannot answer within this, the call goes ahead without the breaker (fail-open). The execution API
 * answers in milliseconds; 2 s only bounds a hung webserver.
 */
const DEFAULT_STORE_TIMEOUT_MS = 2000;

/**
 * A circuit breaker whose state is shared by every task run and worker (the metadata DB, through the execution API).
 * `breaker.call(fn)` from any task, hook or operator (pass the task's context where `getCurrentContext()` is not set,
 * e.g. in a classic operator's execute).
 *
 * If the store is unreachable the breaker fails OPEN for availability: the call is made and its own outcome (or the
 * fallback on failure) is the result; the problem is logged once per breaker until the store answers again.
 */
export class CircuitBreaker<F = never> {
  readonly name: string;
  readonly config: BreakerConfig;
  private storeDown = false;
  private readonly storeTimeoutMs: number;

  constructor(private readonly options: CircuitBreakerOptions<F>) {
    this.name = options.name;
    this.config = validateConfig(options.name, {
      failureThreshold: options.failureThreshold ?? 5,
      resetTimeoutSeconds: durationToSeconds(options.resetTimeout ?? 60, `resetTimeout of circuit breaker "${options.name}"`),
      halfOpenTrials: options.halfOpenTrials ?? 1,
    });
    this.storeTimeoutMs = options.storeTimeout === undefined
      ? Number(process.env.UPDRAFT_BREAKER_STORE_TIMEOUT_MS ?? DEFAULT_STORE_TIMEOUT_MS)
      : durationToMs(options.storeTimeout, `storeTimeout of circuit breaker "${options.name}"`);
  }

  /**
   * Makes one call through the breaker. `options.context` is the task's context where `getCurrentContext()` is not set
   * (a classic operator's execute); `options.fallback` replaces the breaker's fallback for this call (it knows the call's
   * arguments).
   */
  async call<T, G = F>(fn: () => T | Promise<T>, options: CallOptions<G> = {}): Promise<T | G> {
    const ctx = options.context ?? getCurrentContext();
    const fallback = (options.fallback ?? this.options.fallback) as Fallback<G> | undefined;
    const backend = runtimeOf(ctx) as Partial<BreakerBackend>;
    const permit = await this.store(ctx.log, () => backend.breakerAcquire!(this.name, this.config), !backend.breakerAcquire);
    if (permit && !permit.admitted) {
      ctx.log.warn(`Circuit breaker "${this.name}" is ${permit.state}: call rejected.`);
      return fail(fallback, new CircuitOpenError(this.name, permit.retryAt), true, permit.state);
    }
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      const counts = this.options.isFailure ? this.options.isFailure(error) : true;
      if (permit) await this.store(ctx.log, () => backend.breakerRecord!(this.name, this.config, permit, { ok: !counts, error: counts ? describe(error) : null }), false);
      if (!counts) throw error;
      return fail(fallback, error, false, permit?.state ?? "closed");
    }
    if (permit) await this.store(ctx.log, () => backend.breakerRecord!(this.name, this.config, permit, { ok: true, error: null }), false);
    return result;
  }

  /** Runs a store operation, bounded in time; null when the store is unavailable (logged once until it is back). */
  private async store<R>(log: TaskLogger, op: () => Promise<R>, absent: boolean): Promise<R | null> {
    try {
      if (absent) throw new Error("this task runtime has no circuit-breaker store");
      const result = await withTimeout(op(), this.storeTimeoutMs);
      if (this.storeDown) log.info(`Circuit breaker "${this.name}": its store answers again.`);
      this.storeDown = false;
      return result;
    } catch (error) {
      if (!this.storeDown) log.error(`Circuit breaker "${this.name}" could not reach its shared state (${describe(error)}); calls go ahead without it (fail-open) until it is back.`);
      this.storeDown = true;
      return null;
    }
  }
}

async function fail<G>(fallback: Fallback<G> | undefined, error: unknown, rejected: boolean, state: BreakerState): Promise<G> {
  if (!fallback) throw error;
  return fallback(error, { rejected, state });
}

export function circuitBreaker<F = never>(options: CircuitBreakerOptions<F>): CircuitBreaker<F> {
  return new CircuitBreaker(options);
}

export type { BreakerPermit };

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
