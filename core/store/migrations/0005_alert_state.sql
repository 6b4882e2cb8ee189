-- Alert routing (alerting/): per alert key — a DAG's task, or the DAG itself — the failures that count towards
-- escalation and the last alert delivered. Shared by every runner, so deduplication and escalation hold across tries,
-- runs and processes. A key's row is deleted when it succeeds again.
CREATE TABLE alert_state (
  alert_key TEXT PRIMARY KEY,
  streak_started_at TIMESTAMPTZ NOT NULL,
  failures JSONB NOT NULL DEFAULT '[]',
  last_sent_at TIMESTAMPTZ,
  last_sent_severity TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
