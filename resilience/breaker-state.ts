/**
 * The circuit breaker's state machine, pure: every transition is a function of the stored snapshot, the breaker's
 * configuration and the time, so the store (one row locked per transition) and `dags test` (memory) share it, and unit
 * tests drive it with a fake clock.
 *
 * CLOSED counts consecutive failures and opens at `failureThreshold`. OPEN rejects every call until `resetTimeout` has
 * passed since it opened, then the next call turns it HALF_OPEN. HALF_OPEN admits exactly `halfOpenTrials` trial calls:
 * one failed trial opens it again, `halfOpenTrials` successful ones close it. A half-open window whose trials never
 * report (their runner died) is given up after `resetTimeout` and a new window admits new trials.
 */

export const BREAKER_STATES = Object.freeze({ CLOSED: "closed", OPEN: "open", HALF_OPEN: "half_open" } as const);
export type BreakerState = (typeof BREAKER_STATES)[keyof typeof BREAKER_STATES];

export interface BreakerConfig {
  failureThreshold: number;
  resetTimeoutSeconds: number;
  halfOpenTrials: number;
}

export interface BreakerSnapshot {
  state: BreakerState;
  /** Grows at every state change: a call's result counts only against the state that admitted it. */
  generation: number;
  /** Consecutive failures while closed. */
  failureCount: number;
  trialsAdmitted: number;
  trialsSucceeded: number;
  openedAt: Date | null;
  stateChangedAt: Date;
  lastFailure: string | null;
  lastFailureAt: Date | null;
  totalCalls: number;
  totalFailures: number;
  totalRejected: number;
}

/** What `acquire` grants: a call may go ahead (as a trial when half-open), or is rejected until `retryAt`. */
export interface BreakerPermit {
  admitted: boolean;
  trial: boolean;
  generation: number;
  state: BreakerState;
  /** When a rejected call may be tried again (the end of the reset timeout). */
  retryAt: Date | null;
}

export function initialSnapshot(now: Date): BreakerSnapshot {
  return {
    state: BREAKER_STATES.CLOSED, generation: 0, failureCount: 0, trialsAdmitted: 0, trialsSucceeded: 0, openedAt: null,
    stateChangedAt: now, lastFailure: null, lastFailureAt: null, totalCalls: 0, totalFailures: 0, totalRejected: 0,
  };
}

/** Checks a configuration from user code; the store keeps the last one used for the UI. */
export function validateConfig(name: string, config: BreakerConfig): BreakerConfig {
  const where = `circuit breaker "${name}"`;
  if (!name || name.length > 250) throw new RangeError(`A circuit breaker needs a name of 1 to 250 characters, got "${name}".`);
  if (!Number.isInteger(config.failureThreshold) || config.failureThreshold < 1) throw new RangeError(`failureThreshold of ${where} must be an integer ≥ 1, got ${config.failureThreshold}.`);
  if (!Number.isInteger(config.halfOpenTrials) || config.halfOpenTrials < 1) throw new RangeError(`halfOpenTrials of ${where} must be an integer ≥ 1, got ${config.halfOpenTrials}.`);
  if (!Number.isFinite(config.resetTimeoutSeconds) || config.resetTimeoutSeconds < 0) throw new RangeError(`resetTimeout of ${where} must be ≥ 0 seconds, got ${config.resetTimeoutSeconds}.`);
  return config;
}

function changeState(s: BreakerSnapshot, state: BreakerState, now: Date): BreakerSnapshot {
  return { ...s, state, generation: s.generation + 1, trialsAdmitted: 0, trialsSucceeded: 0, stateChangedAt: now };
}

/** Asks to make one call. */
export function acquire(s: BreakerSnapshot, config: BreakerConfig, now: Date): { next: BreakerSnapshot; permit: BreakerPermit } {
  const resetMs = config.resetTimeoutSeconds * 1000;
  const admit = (next: BreakerSnapshot, trial: boolean) => ({
    next: { ...next, totalCalls: next.totalCalls + 1, trialsAdmitted: next.trialsAdmitted + (trial ? 1 : 0) },
    permit: { admitted: true, trial, generation: next.generation, state: next.state, retryAt: null },
  });
  if (s.state === BREAKER_STATES.CLOSED) return admit(s, false);
  if (s.state === BREAKER_STATES.OPEN) {
    const retryAt = new Date((s.openedAt ?? s.stateChangedAt).getTime() + resetMs);
    if (now >= retryAt) return admit(changeState(s, BREAKER_STATES.HALF_OPEN, now), true);
    return { next: { ...s, totalRejected: s.totalRejected + 1 }, permit: { admitted: false, trial: false, generation: s.generation, state: s.state, retryAt } };
  }
  if (s.trialsAdmitted < config.halfOpenTrials) return admit(s, true);
  if (now.getTime() - s.stateChangedAt.getTime() >= resetMs) return admit(changeState(s, BREAKER_STATES.HALF_OPEN, now), true);
  const retryAt = new Date(s.stateChangedAt.getTime() + resetMs);
  return { next: { ...s, totalRejected: s.totalRejected + 1 }, permit: { admitted: false, trial: false, generation: s.generation, state: s.state, retryAt } };
}

/** Records how an admitted call ended. */
export function record(
  s: BreakerSnapshot,
  config: BreakerConfig,
  permit: Pick<BreakerPermit, "generation" | "trial">,
  outcome: { ok: boolean; error?: string | null },
  now: Date,
): BreakerSnapshot {
  let next: BreakerSnapshot = outcome.ok
    ? s
    : { ...s, totalFailures: s.totalFailures + 1, lastFailure: (outcome.error ?? "failed").slice(0, 2000), lastFailureAt: now };
  if (permit.generation !== s.generation) return next;
  if (s.state === BREAKER_STATES.CLOSED) {
    if (outcome.ok) return { ...next, failureCount: 0 };
    next = { ...next, failureCount: next.failureCount + 1 };
    return next.failureCount >= config.failureThreshold ? { ...changeState(next, BREAKER_STATES.OPEN, now), openedAt: now } : next;
  }
  if (s.state === BREAKER_STATES.HALF_OPEN && permit.trial) {
    if (!outcome.ok) return { ...changeState(next, BREAKER_STATES.OPEN, now), openedAt: now };
    next = { ...next, trialsSucceeded: next.trialsSucceeded + 1 };
    return next.trialsSucceeded >= config.halfOpenTrials ? { ...changeState(next, BREAKER_STATES.CLOSED, now), failureCount: 0, openedAt: null } : next;
  }
  return next;
}

/** An operator closed the breaker by hand (UI, REST API). */
export function reset(s: BreakerSnapshot, now: Date): BreakerSnapshot {
  return { ...changeState(s, BREAKER_STATES.CLOSED, now), failureCount: 0, openedAt: null };
}
