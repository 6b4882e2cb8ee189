-- Task-level callbacks for tries failed from outside their runner (Airflow's TaskCallbackRequest): the try whose
-- on_failure_callback / on_retry_callback a runner must run. NULL for DAG-level requests.
ALTER TABLE callback_request ADD COLUMN task_id text;
ALTER TABLE callback_request ADD COLUMN map_index integer;
ALTER TABLE callback_request ADD COLUMN try_number integer;
-- When the runner finished an sla_miss request (claimed_at alone cannot tell a running request from a finished one).
ALTER TABLE callback_request ADD COLUMN done_at timestamptz;

-- Airflow 2's sla_miss: one row per (task, schedule point) whose SLA passed before the task succeeded or was skipped.
CREATE TABLE sla_miss (
  task_id            text NOT NULL,
  dag_id             text NOT NULL,
  execution_date     timestamptz NOT NULL,
  email_sent         boolean NOT NULL DEFAULT false,
  timestamp          timestamptz,
  description        text,
  notification_sent  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (task_id, dag_id, execution_date)
);
CREATE INDEX sla_miss_unnotified ON sla_miss (dag_id) WHERE notification_sent = false;

-- Circuit breakers shared by every task run and worker. `generation` grows at every state change, so that the result of
-- a call admitted before the change does not count against the new state.
CREATE TABLE circuit_breaker (
  name                   text PRIMARY KEY,
  state                  text NOT NULL DEFAULT 'closed',
  generation             integer NOT NULL DEFAULT 0,
  failure_count          integer NOT NULL DEFAULT 0,
  trials_admitted        integer NOT NULL DEFAULT 0,
  trials_succeeded       integer NOT NULL DEFAULT 0,
  failure_threshold      integer NOT NULL,
  reset_timeout_seconds  double precision NOT NULL,
  half_open_trials       integer NOT NULL,
  opened_at              timestamptz,
  state_changed_at       timestamptz NOT NULL DEFAULT now(),
  last_failure           text,
  last_failure_at        timestamptz,
  total_calls            bigint NOT NULL DEFAULT 0,
  total_failures         bigint NOT NULL DEFAULT 0,
  total_rejected         bigint NOT NULL DEFAULT 0,
  updated_at             timestamptz NOT NULL DEFAULT now()
);
