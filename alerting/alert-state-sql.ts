/**
 * The statements of the alert state (migration 0005). All take `$1` = alert key; the caller holds the key's advisory
 * lock (LOCK) for the read-decide-write, so two runners failing at once count both failures and deliver once.
 */
export const LOCK = "SELECT pg_advisory_xact_lock(hashtext('updraft.alert_state'), hashtext($1))";

export const READ = "SELECT streak_started_at, failures, last_sent_at, last_sent_severity FROM alert_state WHERE alert_key = $1";

/** $2 streak_started_at, $3 failures (jsonb: ISO times), $4 last_sent_at, $5 last_sent_severity. */
export const WRITE = `
  INSERT INTO alert_state (alert_key, streak_started_at, failures, last_sent_at, last_sent_severity, updated_at)
  VALUES ($1, $2, $3, $4, $5, now())
  ON CONFLICT (alert_key) DO UPDATE SET streak_started_at = $2, failures = $3, last_sent_at = $4, last_sent_severity = $5, updated_at = now()`;

export const DELETE = "DELETE FROM alert_state WHERE alert_key = $1";
