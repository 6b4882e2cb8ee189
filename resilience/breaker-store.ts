import type { Database, Queryable } from "../core/store/database.ts";
import { initialSnapshot, type BreakerConfig, type BreakerSnapshot, type BreakerState } from "./breaker-state.ts";

/** A `circuit_breaker` row: the snapshot plus the configuration its last caller used. */
export interface BreakerRow {
  name: string;
  state: BreakerState;
  generation: number;
  failure_count: number;
  trials_admitted: number;
  trials_succeeded: number;
  failure_threshold: number;
  reset_timeout_seconds: number;
  half_open_trials: number;
  opened_at: Date | null;
  state_changed_at: Date;
  last_failure: string | null;
  last_failure_at: Date | null;
  total_calls: number;
  total_failures: number;
  total_rejected: number;
  updated_at: Date;
}

export function snapshotOf(row: BreakerRow): BreakerSnapshot {
  return {
    state: row.state, generation: row.generation, failureCount: row.failure_count, trialsAdmitted: row.trials_admitted,
    trialsSucceeded: row.trials_succeeded, openedAt: row.opened_at, stateChangedAt: row.state_changed_at, lastFailure: row.last_failure,
    lastFailureAt: row.last_failure_at, totalCalls: Number(row.total_calls), totalFailures: Number(row.total_failures), totalRejected: Number(row.total_rejected),
  };
}

export function configOf(row: BreakerRow): BreakerConfig {
  return { failureThreshold: row.failure_threshold, resetTimeoutSeconds: row.reset_timeout_seconds, halfOpenTrials: row.half_open_trials };
}

/**
 * Applies one transition to a breaker under its row lock, creating the row (closed) on first use: two runners failing
 * at once are serialised on the row, so no count is lost and a half-open breaker admits exactly its trial count.
 * With `config` null the stored configuration is used (a reset from the UI); null is returned for an unknown breaker then.
 */
export async function transitionBreaker<T>(
  db: Database,
  name: string,
  config: BreakerConfig | null,
  step: (snapshot: BreakerSnapshot, config: BreakerConfig, now: Date) => { next: BreakerSnapshot; result: T },
): Promise<{ result: T; row: BreakerRow } | null> {
  return db.transaction(async (tx) => {
    if (config) {
      const initial = initialSnapshot(new Date());
      await tx.query(
        `INSERT INTO circuit_breaker (name, state, failure_threshold, reset_timeout_seconds, half_open_trials, state_changed_at)
         VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (name) DO NOTHING`,
        [name, initial.state, config.failureThreshold, config.resetTimeoutSeconds, config.halfOpenTrials],
      );
    }
    const { rows } = await tx.query<BreakerRow & { now: Date }>("SELECT *, now() AS now FROM circuit_breaker WHERE name = $1 FOR UPDATE", [name]);
    if (!rows[0]) return null;
    const used = config ?? configOf(rows[0]);
    // The database's clock, not the runner's: runners on several machines judge the reset timeout alike.
    const { next, result } = step(snapshotOf(rows[0]), used, rows[0].now);
    const row = await writeSnapshot(tx, name, next, used);
    return { result, row };
  });
}

async function writeSnapshot(tx: Queryable, name: string, s: BreakerSnapshot, config: BreakerConfig): Promise<BreakerRow> {
  const { rows } = await tx.query<BreakerRow>(
    `UPDATE circuit_breaker SET state = $2, generation = $3, failure_count = $4, trials_admitted = $5, trials_succeeded = $6,
            opened_at = $7, state_changed_at = $8, last_failure = $9, last_failure_at = $10, total_calls = $11, total_failures = $12,
            total_rejected = $13, failure_threshold = $14, reset_timeout_seconds = $15, half_open_trials = $16, updated_at = now()
      WHERE name = $1 RETURNING *`,
    [name, s.state, s.generation, s.failureCount, s.trialsAdmitted, s.trialsSucceeded, s.openedAt, s.stateChangedAt, s.lastFailure,
      s.lastFailureAt, s.totalCalls, s.totalFailures, s.totalRejected, config.failureThreshold, config.resetTimeoutSeconds, config.halfOpenTrials],
  );
  return rows[0];
}

/** Every breaker, by name (UI, REST API). */
export async function listBreakers(db: Queryable): Promise<BreakerRow[]> {
  return (await db.query<BreakerRow>("SELECT * FROM circuit_breaker ORDER BY name")).rows;
}
