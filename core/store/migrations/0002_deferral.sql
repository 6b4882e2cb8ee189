-- Deferral (Airflow 2.2+): a task instance parks on a trigger run by a triggerer process, holding no runner slot.

-- One trigger per deferred try: what to run (classpath = a registered trigger kind, kwargs its arguments) and which
-- triggerer job runs it (NULL = unclaimed; a trigger whose triggerer stopped heartbeating is claimed again).
CREATE TABLE trigger (
  id            bigserial PRIMARY KEY,
  classpath     text NOT NULL,
  kwargs        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_date  timestamptz NOT NULL DEFAULT now(),
  triggerer_id  bigint
);
CREATE INDEX trigger_triggerer_idx ON trigger (triggerer_id);

-- Airflow's columns: the trigger the TI waits on, the method its resumed try calls with these kwargs (plus the
-- trigger's `event`), and when the wait times out.
ALTER TABLE task_instance ADD COLUMN trigger_id bigint REFERENCES trigger (id) ON DELETE SET NULL;
ALTER TABLE task_instance ADD COLUMN trigger_timeout timestamptz;
ALTER TABLE task_instance ADD COLUMN next_method text;
ALTER TABLE task_instance ADD COLUMN next_kwargs jsonb;
CREATE INDEX task_instance_trigger_idx ON task_instance (trigger_id);
CREATE INDEX task_instance_deferred_timeout_idx ON task_instance (trigger_timeout) WHERE state = 'deferred';
