import type { StateChange, TiSnapshot } from "../../scheduling/plan-run.ts";
import type { SerializedDag } from "../../serialization.ts";
import type { JsonObject, TaskState } from "../../types.ts";
import type { Queryable } from "../database.ts";

export interface TaskInstanceRow {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  state: TaskState;
  try_number: number;
  max_tries: number;
  start_date: Date | null;
  end_date: Date | null;
  duration: number | null;
  operator: string | null;
  pool: string;
  pool_slots: number;
  queue: string;
  priority_weight: number;
  hostname: string;
  queued_dttm: Date | null;
  queued_by_job_id: number | null;
  next_retry_at: Date | null;
  reschedule_at: Date | null;
  last_heartbeat_at: Date | null;
  rendered_map_index: string | null;
  error: string | null;
}

export interface TiKey {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
}

/**
 * Airflow's verify_integrity for a new run: one TI per task whose own start/end dates contain the logical date (a
 * backfill run ignores those bounds, as Airflow's does); a mapped task gets its placeholder (map index -1). One
 * statement for the whole DAG (1,000 tasks insert at once). Parameters: dag_id, run_id, then parallel arrays
 * task_id[], max_tries[], operator[], pool[], pool_slots[], queue[], priority_weight[].
 */
export async function createTaskInstances(db: Queryable, dag: SerializedDag, runId: string, logicalDate: Date, isBackfill = false): Promise<void> {
  const inBounds = (t: SerializedDag["tasks"][number]) =>
    (!t.start_date || new Date(t.start_date) <= logicalDate) && (!t.end_date || new Date(t.end_date) >= logicalDate);
  const tasks = isBackfill ? dag.tasks : dag.tasks.filter(inBounds);
  await db.query(
    `INSERT INTO task_instance (dag_id, run_id, task_id, max_tries, operator, pool, pool_slots, queue, priority_weight)
     SELECT $1, $2, t.task_id, t.max_tries, t.operator, t.pool, t.pool_slots, t.queue, t.priority_weight
       FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[])
            AS t(task_id, max_tries, operator, pool, pool_slots, queue, priority_weight)
     ON CONFLICT DO NOTHING`,
    [
      dag.dag_id,
      runId,
      tasks.map((t) => t.task_id),
      tasks.map((t) => t.retries),
      tasks.map((t) => t.operator),
      tasks.map((t) => t.pool),
      tasks.map((t) => t.pool_slots),
      tasks.map((t) => t.queue),
      tasks.map((t) => t.effective_priority_weight),
    ],
  );
}

/**
 * What the planner needs of every TI of a run. Aggregated into one JSON value: PGlite decodes rows field by field,
 * and for a 1,000-task run one JSON text is 2.5× faster than 1,000 rows (5.9 ms vs 14.8 ms on the dev machine).
 */
export async function runSnapshot(db: Queryable, dagId: string, runId: string): Promise<TiSnapshot[]> {
  const { rows } = await db.query<{ tis: string | null }>(
    `SELECT json_agg(json_build_array(task_id, map_index, state, next_retry_at, reschedule_at))::text AS tis
       FROM task_instance WHERE dag_id = $1 AND run_id = $2`,
    [dagId, runId],
  );
  const tis = JSON.parse(rows[0]?.tis ?? "[]") as Array<[string, number, TaskState, string | null, string | null]>;
  return tis.map(([taskId, mapIndex, state, retry, reschedule]) => ({
    taskId, mapIndex, state, nextRetryAt: retry ? new Date(retry) : null, rescheduleAt: reschedule ? new Date(reschedule) : null,
  }));
}

/**
 * Applies the trigger rules' decisions, each guarded by the state the planner saw, so a TI another actor moved
 * meanwhile is left alone. Parameters: dag_id, run_id, task_id[], map_index[], from_state[], to_state[].
 */
export async function applyStateChanges(db: Queryable, dagId: string, runId: string, changes: readonly StateChange[]): Promise<number> {
  if (!changes.length) return 0;
  const { rowCount } = await db.query(
    `UPDATE task_instance ti SET state = c.to_state, start_date = coalesce(ti.start_date, now()), end_date = now(),
            duration = 0, updated_at = now()
       FROM unnest($3::text[], $4::int[], $5::text[], $6::text[]) AS c(task_id, map_index, from_state, to_state)
      WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = c.task_id AND ti.map_index = c.map_index
        AND ti.state IS NOT DISTINCT FROM c.from_state`,
    [dagId, runId, changes.map((c) => c.taskId), changes.map((c) => c.mapIndex), changes.map((c) => c.from), changes.map((c) => c.state)],
  );
  return rowCount;
}

/** Replaces a mapped task's placeholder by map indexes 0..length-1 (only while the placeholder is still undecided). */
export async function expandMappedTask(db: Queryable, dagId: string, runId: string, taskId: string, length: number): Promise<boolean> {
  const { rows } = await db.query<TaskInstanceRow>(
    "DELETE FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = -1 AND state IS NULL RETURNING *",
    [dagId, runId, taskId],
  );
  const placeholder = rows[0];
  if (!placeholder) return false;
  await db.query(
    `INSERT INTO task_instance (dag_id, run_id, task_id, map_index, max_tries, operator, pool, pool_slots, queue, priority_weight)
     SELECT $1, $2, $3, i, $5, $6, $7, $8, $9, $10 FROM generate_series(0, $4 - 1) AS i
     ON CONFLICT DO NOTHING`,
    [dagId, runId, taskId, length, placeholder.max_tries, placeholder.operator, placeholder.pool, placeholder.pool_slots, placeholder.queue, placeholder.priority_weight],
  );
  return true;
}

/**
 * TIs whose dependencies are met move to `scheduled`; the try number grows by one except when resuming a
 * reschedule-mode sensor. No-op tasks (EmptyOperator without callbacks) finish as success here, never reaching a runner.
 * Parameters: dag_id, run_id, task_id[], map_index[], from_state[], noop[].
 */
export async function markSchedulable(
  db: Queryable,
  dagId: string,
  runId: string,
  items: ReadonlyArray<{ taskId: string; mapIndex: number; fromState: TaskState; noop: boolean }>,
): Promise<number> {
  if (!items.length) return 0;
  const { rowCount } = await db.query(
    `UPDATE task_instance ti
        SET state = CASE WHEN c.noop THEN 'success' ELSE 'scheduled' END,
            try_number = ti.try_number + CASE WHEN c.from_state = 'up_for_reschedule' THEN 0 ELSE 1 END,
            next_method = CASE WHEN c.from_state = 'up_for_reschedule' THEN ti.next_method END,
            start_date = CASE WHEN c.noop THEN now() ELSE ti.start_date END,
            end_date = CASE WHEN c.noop THEN now() ELSE NULL END,
            duration = CASE WHEN c.noop THEN 0 ELSE ti.duration END,
            updated_at = now()
       FROM unnest($3::text[], $4::int[], $5::text[], $6::boolean[]) AS c(task_id, map_index, from_state, noop)
      WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = c.task_id AND ti.map_index = c.map_index
        AND ti.state IS NOT DISTINCT FROM c.from_state`,
    [dagId, runId, items.map((i) => i.taskId), items.map((i) => i.mapIndex), items.map((i) => i.fromState), items.map((i) => i.noop)],
  );
  return rowCount;
}

export interface StartedTry {
  try_number: number;
  /** Set when the try resumes from deferral (Airflow's next_method / next_kwargs, with the trigger's `event`). */
  next_method: string | null;
  next_kwargs: JsonObject | null;
  max_tries: number;
  start_date: Date;
  map_index: number;
  run_type: string;
  logical_date: Date;
  data_interval_start: Date | null;
  data_interval_end: Date | null;
  conf: JsonObject;
  external_trigger: boolean;
  run_start_date: Date | null;
  expanded_ti_count: number | null;
  prev_logical_date: Date | null;
  prev_data_interval_start: Date | null;
  prev_data_interval_end: Date | null;
  prev_start_date: Date | null;
  prev_end_date: Date | null;
}

/**
 * A runner starts a try: queued → running for exactly this try number, the TI's old XComs cleared (Airflow clears them
 * at the start of each try), and everything the try's context needs returned — in one statement. Null when the TI is
 * no longer queued for this try (cleared, marked, or started elsewhere): the runner must not run it.
 * Parameters: dag_id, run_id, task_id, map_index, try_number, hostname, pid.
 */
export async function startTry(db: Queryable, key: TiKey, tryNumber: number, hostname: string, pid: number): Promise<StartedTry | null> {
  const { rows } = await db.query<StartedTry>(
    `WITH started AS (
       UPDATE task_instance
          SET state = 'running',
              start_date = CASE WHEN reschedule_at IS NOT NULL OR next_method IS NOT NULL THEN coalesce(start_date, now()) ELSE now() END,
              end_date = NULL, hostname = $6, pid = $7, last_heartbeat_at = now(), updated_at = now()
        WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4 AND try_number = $5 AND state = 'queued'
        RETURNING *
     ), cleared AS (
       DELETE FROM xcom x USING started s
        WHERE x.dag_id = s.dag_id AND x.run_id = s.run_id AND x.task_id = s.task_id AND x.map_index = s.map_index
          AND s.next_method IS NULL
     )
     SELECT s.try_number, s.max_tries, s.start_date, s.map_index, s.next_method, s.next_kwargs, r.run_type, r.logical_date, r.data_interval_start,
            r.data_interval_end, r.conf, r.external_trigger, r.start_date AS run_start_date,
            CASE WHEN s.map_index >= 0 THEN (SELECT count(*)::int FROM task_instance t
                  WHERE t.dag_id = s.dag_id AND t.run_id = s.run_id AND t.task_id = s.task_id) END AS expanded_ti_count,
            p.logical_date AS prev_logical_date, p.data_interval_start AS prev_data_interval_start,
            p.data_interval_end AS prev_data_interval_end, p.start_date AS prev_start_date, p.end_date AS prev_end_date
       FROM started s
       JOIN dag_run r ON r.dag_id = s.dag_id AND r.run_id = s.run_id
       LEFT JOIN LATERAL (SELECT * FROM dag_run p WHERE p.dag_id = s.dag_id AND p.state = 'success' AND p.logical_date < r.logical_date
                           ORDER BY p.logical_date DESC LIMIT 1) p ON true`,
    [key.dagId, key.runId, key.taskId, key.mapIndex, tryNumber, hostname, pid],
  );
  return rows[0] ?? null;
}

/** Returns the TI's state now, so a runner learns when its TI was cleared or marked while it ran. */
export async function heartbeatTry(db: Queryable, key: TiKey, tryNumber: number): Promise<TaskState | "gone"> {
  const { rows } = await db.query<{ state: TaskState; try_number: number }>(
    `UPDATE task_instance SET last_heartbeat_at = now()
      WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4
      RETURNING state, try_number`,
    [key.dagId, key.runId, key.taskId, key.mapIndex],
  );
  const row = rows[0];
  if (!row || row.try_number !== tryNumber) return "gone";
  return row.state;
}

export interface TryFinish {
  state: "success" | "skipped" | "failed" | "up_for_retry" | "up_for_reschedule";
  error: string | null;
  nextRetryAt: Date | null;
  rescheduleAt: Date | null;
  renderedMapIndex: string | null;
  rendered: JsonObject;
}

/**
 * Ends a try, in one statement: guarded on (running, this try number), so a try that was cleared or marked meanwhile
 * cannot overwrite the new state, and a try finishes only once. Records the try in task_instance_history (not for a
 * reschedule poke), the rendered fields and where its log is. Parameters: the TI key, try_number, then the outcome.
 */
export async function finishTry(db: Queryable, key: TiKey, tryNumber: number, finish: TryFinish, logPath: string | null = null): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    `WITH finished AS (
       UPDATE task_instance
          SET state = $6, end_date = now(), duration = extract(epoch FROM now() - start_date),
              error = $7, next_retry_at = $8, reschedule_at = $9, rendered_map_index = $10, updated_at = now(),
              next_method = NULL, next_kwargs = NULL, trigger_timeout = NULL
        WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4 AND try_number = $5 AND state = 'running'
        RETURNING *
     ), history AS (
       INSERT INTO task_instance_history (dag_id, run_id, task_id, map_index, try_number, state, start_date, end_date, duration, hostname, error)
       SELECT dag_id, run_id, task_id, map_index, try_number, state, start_date, end_date, duration, hostname, error
         FROM finished WHERE state <> 'up_for_reschedule'
       ON CONFLICT (dag_id, run_id, task_id, map_index, try_number) DO UPDATE
         SET state = EXCLUDED.state, end_date = EXCLUDED.end_date, duration = EXCLUDED.duration, error = EXCLUDED.error
     ), rendered AS (
       INSERT INTO rendered_task_instance_fields (dag_id, run_id, task_id, map_index, rendered_fields)
       SELECT dag_id, run_id, task_id, map_index, $11::jsonb FROM finished WHERE $11::jsonb <> '{}'::jsonb
       ON CONFLICT (dag_id, run_id, task_id, map_index) DO UPDATE SET rendered_fields = EXCLUDED.rendered_fields
     ), logged AS (
       INSERT INTO task_log (dag_id, run_id, task_id, map_index, try_number, path)
       SELECT dag_id, run_id, task_id, map_index, try_number, $12 FROM finished WHERE $12::text IS NOT NULL
       ON CONFLICT (dag_id, run_id, task_id, map_index, try_number) DO UPDATE SET path = EXCLUDED.path
     )
     SELECT count(*)::int AS n FROM finished`,
    [key.dagId, key.runId, key.taskId, key.mapIndex, tryNumber, finish.state, finish.error, finish.nextRetryAt, finish.rescheduleAt,
      finish.renderedMapIndex, JSON.stringify(finish.rendered), logPath],
  );
  return rows[0].n === 1;
}

export async function recordTryHistory(db: Queryable, ti: TaskInstanceRow): Promise<void> {
  await db.query(
    `INSERT INTO task_instance_history (dag_id, run_id, task_id, map_index, try_number, state, start_date, end_date, duration, hostname, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (dag_id, run_id, task_id, map_index, try_number) DO UPDATE
       SET state = EXCLUDED.state, end_date = EXCLUDED.end_date, duration = EXCLUDED.duration, error = EXCLUDED.error`,
    [ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number, ti.state, ti.start_date, ti.end_date, ti.duration, ti.hostname, ti.error],
  );
}

/** Branching and short-circuit: unfinished TIs of these tasks (only this map index, or all with -1) become skipped. */
export async function skipTaskInstances(db: Queryable, dagId: string, runId: string, taskIds: readonly string[], mapIndex: number): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE task_instance SET state = 'skipped', start_date = coalesce(start_date, now()), end_date = now(), duration = 0, updated_at = now()
      WHERE dag_id = $1 AND run_id = $2 AND task_id = ANY($3::text[])
        AND (state IS NULL OR state IN ('scheduled', 'up_for_retry', 'up_for_reschedule'))
        AND ($4 < 0 OR map_index = $4)`,
    [dagId, runId, taskIds, mapIndex],
  );
  return rowCount;
}

export async function getTaskInstance(db: Queryable, key: TiKey): Promise<TaskInstanceRow | null> {
  const { rows } = await db.query<TaskInstanceRow>(
    "SELECT * FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4",
    [key.dagId, key.runId, key.taskId, key.mapIndex],
  );
  return rows[0] ?? null;
}

export async function listTaskInstances(db: Queryable, dagId: string, runId: string): Promise<TaskInstanceRow[]> {
  const { rows } = await db.query<TaskInstanceRow>(
    "SELECT * FROM task_instance WHERE dag_id = $1 AND run_id = $2 ORDER BY priority_weight DESC, task_id, map_index",
    [dagId, runId],
  );
  return rows;
}
