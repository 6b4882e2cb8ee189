import type { BreakerRow } from "./breaker-store.ts";

/** A breaker as the REST API and the UI show it. */
export function breakerJson(row: BreakerRow) {
  return {
    name: row.name,
    state: row.state,
    failure_count: row.failure_count,
    failure_threshold: row.failure_threshold,
    reset_timeout_seconds: row.reset_timeout_seconds,
    half_open_trials: row.half_open_trials,
    trials_admitted: row.trials_admitted,
    trials_succeeded: row.trials_succeeded,
    opened_at: row.opened_at?.toISOString() ?? null,
    state_changed_at: row.state_changed_at.toISOString(),
    last_failure: row.last_failure,
    last_failure_at: row.last_failure_at?.toISOString() ?? null,
    total_calls: Number(row.total_calls),
    total_failures: Number(row.total_failures),
    total_rejected: Number(row.total_rejected),
  };
}
