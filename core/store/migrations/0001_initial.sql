-- Updraft metadata schema, version 1. Names follow Airflow's tables and columns where they exist.
-- All timestamps are timestamptz (UTC); JSON is jsonb.

CREATE TABLE dag (
  dag_id                           text PRIMARY KEY,
  fileloc                          text NOT NULL,
  is_paused                        boolean NOT NULL DEFAULT true,
  is_active                        boolean NOT NULL DEFAULT true,
  has_import_errors                boolean NOT NULL DEFAULT false,
  owners                           text NOT NULL DEFAULT '',
  description                      text NOT NULL DEFAULT '',
  timetable_summary                text,
  tags                             jsonb NOT NULL DEFAULT '[]',
  max_active_runs                  integer NOT NULL DEFAULT 16,
  max_active_tasks                 integer NOT NULL DEFAULT 16,
  dag_hash                         text,
  last_parsed_time                 timestamptz,
  next_dagrun                      timestamptz,
  next_dagrun_data_interval_start  timestamptz,
  next_dagrun_data_interval_end    timestamptz,
  next_dagrun_create_after         timestamptz
);

-- Every version of every DAG the DAG processor has stored; the scheduler and webserver read only these.
CREATE TABLE serialized_dag (
  dag_id       text NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  dag_hash     text NOT NULL,
  version      integer NOT NULL,
  data         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dag_id, version),
  UNIQUE (dag_id, dag_hash)
);

CREATE TABLE import_error (
  id          bigserial PRIMARY KEY,
  filename    text NOT NULL UNIQUE,
  line        integer,
  stacktrace  text NOT NULL,
  timestamp   timestamptz NOT NULL DEFAULT now()
);

-- Files the DAG processor has parsed, so it re-parses changed files only.
CREATE TABLE dag_file (
  fileloc      text PRIMARY KEY,
  mtime_ms     double precision NOT NULL,
  dag_ids      jsonb NOT NULL DEFAULT '[]',
  parsed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dag_run (
  id                        bigserial PRIMARY KEY,
  dag_id                    text NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  run_id                    text NOT NULL,
  run_type                  text NOT NULL,
  state                     text NOT NULL,
  logical_date              timestamptz NOT NULL,
  data_interval_start       timestamptz,
  data_interval_end         timestamptz,
  conf                      jsonb NOT NULL DEFAULT '{}',
  external_trigger          boolean NOT NULL DEFAULT false,
  queued_at                 timestamptz,
  start_date                timestamptz,
  end_date                  timestamptz,
  last_scheduling_decision  timestamptz,
  dag_hash                  text,
  clear_number              integer NOT NULL DEFAULT 0,
  note                      text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dag_id, run_id),
  UNIQUE (dag_id, logical_date)
);
CREATE INDEX dag_run_state_idx ON dag_run (state, dag_id);

CREATE TABLE job (
  id                bigserial PRIMARY KEY,
  job_type          text NOT NULL,
  state             text NOT NULL,
  hostname          text NOT NULL,
  pid               integer NOT NULL,
  start_date        timestamptz NOT NULL DEFAULT now(),
  end_date          timestamptz,
  latest_heartbeat  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_type_state_idx ON job (job_type, state);

CREATE TABLE task_instance (
  dag_id               text NOT NULL,
  run_id               text NOT NULL,
  task_id              text NOT NULL,
  map_index            integer NOT NULL DEFAULT -1,
  state                text,
  try_number           integer NOT NULL DEFAULT 0,
  max_tries            integer NOT NULL DEFAULT 0,
  start_date           timestamptz,
  end_date             timestamptz,
  duration             double precision,
  operator             text,
  pool                 text NOT NULL DEFAULT 'default_pool',
  pool_slots           integer NOT NULL DEFAULT 1,
  queue                text NOT NULL DEFAULT 'default',
  priority_weight      integer NOT NULL DEFAULT 1,
  hostname             text NOT NULL DEFAULT '',
  pid                  integer,
  queued_dttm          timestamptz,
  queued_by_job_id     bigint,
  external_executor_id text,
  next_retry_at        timestamptz,
  reschedule_at        timestamptz,
  last_heartbeat_at    timestamptz,
  rendered_map_index   text,
  error                text,
  note                 text,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dag_id, run_id, task_id, map_index),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
);
CREATE INDEX task_instance_state_idx ON task_instance (state, pool);
CREATE INDEX task_instance_dag_state_idx ON task_instance (dag_id, state);

-- One row per finished try (Airflow's task_instance_history).
CREATE TABLE task_instance_history (
  id                bigserial PRIMARY KEY,
  dag_id            text NOT NULL,
  run_id            text NOT NULL,
  task_id           text NOT NULL,
  map_index         integer NOT NULL,
  try_number        integer NOT NULL,
  state             text,
  start_date        timestamptz,
  end_date          timestamptz,
  duration          double precision,
  hostname          text NOT NULL DEFAULT '',
  error             text,
  UNIQUE (dag_id, run_id, task_id, map_index, try_number),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
);

CREATE TABLE task_map (
  dag_id     text NOT NULL,
  run_id     text NOT NULL,
  task_id    text NOT NULL,
  map_index  integer NOT NULL,
  length     integer NOT NULL,
  PRIMARY KEY (dag_id, run_id, task_id, map_index),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
);

CREATE TABLE xcom (
  dag_id     text NOT NULL,
  run_id     text NOT NULL,
  task_id    text NOT NULL,
  map_index  integer NOT NULL DEFAULT -1,
  key        text NOT NULL,
  value      jsonb,
  timestamp  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dag_id, run_id, task_id, map_index, key),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
);

CREATE TABLE rendered_task_instance_fields (
  dag_id          text NOT NULL,
  run_id          text NOT NULL,
  task_id         text NOT NULL,
  map_index       integer NOT NULL DEFAULT -1,
  rendered_fields jsonb NOT NULL,
  PRIMARY KEY (dag_id, run_id, task_id, map_index),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
);

-- Where each try's log file is, and how big it was when the try ended.
CREATE TABLE task_log (
  dag_id      text NOT NULL,
  run_id      text NOT NULL,
  task_id     text NOT NULL,
  map_index   integer NOT NULL,
  try_number  integer NOT NULL,
  path        text NOT NULL,
  size_bytes  bigint,
  PRIMARY KEY (dag_id, run_id, task_id, map_index, try_number),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
);

CREATE TABLE slot_pool (
  pool              text PRIMARY KEY,
  slots             integer NOT NULL,
  description       text NOT NULL DEFAULT '',
  include_deferred  boolean NOT NULL DEFAULT false
);
INSERT INTO slot_pool (pool, slots, description) VALUES ('default_pool', 128, 'Default pool');

CREATE TABLE variable (
  key           text PRIMARY KEY,
  val           text NOT NULL,
  description   text,
  is_encrypted  boolean NOT NULL DEFAULT false
);

CREATE TABLE connection (
  conn_id             text PRIMARY KEY,
  conn_type           text NOT NULL,
  description         text,
  host                text,
  schema              text,
  login               text,
  password            text,
  port                integer,
  extra               text,
  is_encrypted        boolean NOT NULL DEFAULT false,
  is_extra_encrypted  boolean NOT NULL DEFAULT false
);

CREATE TABLE dataset (
  id           bigserial PRIMARY KEY,
  uri          text NOT NULL UNIQUE,
  extra        jsonb NOT NULL DEFAULT '{}',
  is_orphaned  boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dataset_event (
  id                bigserial PRIMARY KEY,
  dataset_id        bigint NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
  extra             jsonb NOT NULL DEFAULT '{}',
  source_dag_id     text,
  source_task_id    text,
  source_run_id     text,
  source_map_index  integer,
  timestamp         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dataset_dag_run_queue (
  dataset_id     bigint NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
  target_dag_id  text NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, target_dag_id)
);

-- DAG-level callbacks the scheduler asks for; a process that may run user code (the DAG processor) runs them.
CREATE TABLE callback_request (
  id          bigserial PRIMARY KEY,
  dag_id      text NOT NULL,
  run_id      text NOT NULL,
  kind        text NOT NULL,
  reason      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  claimed_at  timestamptz
);

CREATE TABLE ab_user (
  id             bigserial PRIMARY KEY,
  username       text NOT NULL UNIQUE,
  email          text NOT NULL DEFAULT '',
  first_name     text NOT NULL DEFAULT '',
  last_name      text NOT NULL DEFAULT '',
  password_hash  text NOT NULL,
  role           text NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  created_on     timestamptz NOT NULL DEFAULT now(),
  last_login     timestamptz
);

-- The event (audit) log: who did what, when.
CREATE TABLE log (
  id          bigserial PRIMARY KEY,
  dttm        timestamptz NOT NULL DEFAULT now(),
  dag_id      text,
  task_id     text,
  map_index   integer,
  run_id      text,
  try_number  integer,
  event       text NOT NULL,
  owner       text,
  extra       text
);
CREATE INDEX log_dttm_idx ON log (dttm);
