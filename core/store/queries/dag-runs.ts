import type { DagRunState, DagRunType, JsonObject } from "../../types.ts";
import type { Queryable } from "../database.ts";

/** A dag_run row as the scheduler, API and runners use it. */
export interface DagRunRow {
  id: number;
  dag_id: string;
  run_id: string;
  run_type: DagRunType;
  state: DagRunState;
  logical_date: Date;
  data_interval_start: Date | null;
  data_interval_end: Date | null;
  conf: JsonObject;
  external_trigger: boolean;
  queued_at: Date | null;
  start_date: Date | null;
  end_date: Date | null;
  dag_hash: string | null;
  note: string | null;
}

export interface NewDagRun {
  dagId: string;
  runId: string;
  runType: DagRunType;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: JsonObject;
  externalTrigger: boolean;
  state: "queued" | "running";
  dagHash: string | null;
  note?: string | null;
}

/**
 * Creates a DagRun. Returns null when a run with that run id or logical date exists already (both are unique per DAG).
 * Parameters: dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end, conf,
 * external_trigger, dag_hash, note.
 */
export async function insertDagRun(db: Queryable, run: NewDagRun): Promise<DagRunRow | null> {
  const { rows } = await db.query<DagRunRow>(
    `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end, conf,
                          external_trigger, dag_hash, note, queued_at, start_date)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now(), CASE WHEN $4 = 'running' THEN now() END)
     ON CONFLICT DO NOTHING
     RETURNING *`,
    [run.dagId, run.runId, run.runType, run.state, run.logicalDate, run.dataIntervalStart, run.dataIntervalEnd, run.conf, run.externalTrigger, run.dagHash, run.note ?? null],
  );
  return rows[0] ?? null;
}

export async function getDagRun(db: Queryable, dagId: string, runId: string): Promise<DagRunRow | null> {
  const { rows } = await db.query<DagRunRow>("SELECT * FROM dag_run WHERE dag_id = $1 AND run_id = $2", [dagId, runId]);
  return rows[0] ?? null;
}

export interface DagRunFilter {
  /** Any of these states; all when null or empty. */
  states?: readonly string[] | null;
  logicalDateGte?: Date | null;
  logicalDateLte?: Date | null;
  /** A DagRun field, `-` first for descending: id, run_id, logical_date (or execution_date), start_date, end_date, state. */
  orderBy?: string;
  limit?: number;
  offset?: number;
}

export const DAG_RUN_ORDER_FIELDS = ["id", "run_id", "logical_date", "execution_date", "start_date", "end_date", "state"] as const;

const RUN_FILTER = `dag_id = $1
        AND (cardinality($2::text[]) = 0 OR state = ANY($2::text[]))
        AND ($3::timestamptz IS NULL OR logical_date >= $3)
        AND ($4::timestamptz IS NULL OR logical_date <= $4)`;

/**
 * A page of a DAG's runs, and how many match in all (the REST API's list and the CLI's list-runs).
 * Parameters: dag_id, state[], logical_date_gte, logical_date_lte, then order field, descending, limit, offset.
 */
export async function listDagRuns(db: Queryable, dagId: string, filter: DagRunFilter = {}): Promise<{ runs: DagRunRow[]; total: number }> {
  const order = (filter.orderBy ?? "logical_date").replace(/^-/, "").replace("execution_date", "logical_date");
  const where = [dagId, filter.states ?? [], filter.logicalDateGte ?? null, filter.logicalDateLte ?? null];
  const { rows } = await db.query<DagRunRow>(
    `SELECT * FROM dag_run WHERE ${RUN_FILTER}
      ORDER BY CASE WHEN NOT $6 THEN CASE $5 WHEN 'run_id' THEN run_id WHEN 'state' THEN state END END,
               CASE WHEN NOT $6 THEN CASE $5 WHEN 'logical_date' THEN logical_date WHEN 'start_date' THEN start_date WHEN 'end_date' THEN end_date END END,
               CASE WHEN $6 THEN CASE $5 WHEN 'run_id' THEN run_id WHEN 'state' THEN state END END DESC,
               CASE WHEN $6 THEN CASE $5 WHEN 'logical_date' THEN logical_date WHEN 'start_date' THEN start_date WHEN 'end_date' THEN end_date END END DESC,
               CASE WHEN $6 THEN -id ELSE id END
      LIMIT $7 OFFSET $8`,
    [...where, order, (filter.orderBy ?? "").startsWith("-"), filter.limit ?? 100, filter.offset ?? 0],
  );
  const { rows: count } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dag_run WHERE ${RUN_FILTER}`, where);
  return { runs: rows, total: count[0].n };
}

/**
 * Moves queued runs to running while their DAG has fewer than max_active_runs running (Airflow's step "start queued
 * runs"), oldest logical date first. Rows are locked with SKIP LOCKED so two schedulers never start the same run.
 * Backfill runs start even while their DAG is paused, as Airflow's backfill ignores is_paused.
 * Call it inside a transaction: the DAGs with queued runs are locked first (in dag_id order, so two schedulers cannot
 * deadlock; NO KEY UPDATE, so new runs can still be inserted meanwhile), and the runs are counted and started in a
 * second statement, whose snapshot then includes what another scheduler started meanwhile — counted in one statement
 * with the lock wait, two schedulers could each start one run of a DAG allowed only one more. Returns the started runs.
 * Parameters: limit.
 */
export async function startQueuedRuns(db: Queryable, limit: number): Promise<DagRunRow[]> {
  await db.query(
    `SELECT dag_id FROM dag WHERE dag_id IN (SELECT DISTINCT dag_id FROM dag_run WHERE state = 'queued')
      ORDER BY dag_id FOR NO KEY UPDATE`,
  );
  const { rows } = await db.query<DagRunRow>(
    `WITH locked AS (
       SELECT r.id, r.dag_id, r.logical_date
         FROM dag_run r JOIN dag d ON d.dag_id = r.dag_id
        WHERE r.state = 'queued' AND (NOT d.is_paused OR r.run_type = 'backfill')
        ORDER BY r.logical_date
        LIMIT $1
        FOR UPDATE OF r SKIP LOCKED
     ), ranked AS (
       SELECT id, dag_id, row_number() OVER (PARTITION BY dag_id ORDER BY logical_date, id) AS position FROM locked
     ), running AS (
       SELECT dag_id, count(*) AS n FROM dag_run WHERE state = 'running' GROUP BY dag_id
     )
     UPDATE dag_run SET state = 'running', start_date = now()
       FROM ranked c JOIN dag d ON d.dag_id = c.dag_id LEFT JOIN running ON running.dag_id = c.dag_id
      WHERE dag_run.id = c.id AND c.position + coalesce(running.n, 0) <= d.max_active_runs
     RETURNING dag_run.*`,
    [limit],
  );
  return rows;
}

/**
 * Running runs of unpaused DAGs (and backfill runs of any DAG) to examine — all of them, or only the (dag_id, run_id)
 * pairs given — least recently examined first; locked with SKIP LOCKED so another scheduler takes the others.
 */
export async function lockRunsToSchedule(db: Queryable, limit: number): Promise<DagRunRow[]> {
  const { rows } = await db.query<DagRunRow>(
    `SELECT r.* FROM dag_run r JOIN dag d ON d.dag_id = r.dag_id
      WHERE r.state = 'running' AND (NOT d.is_paused OR r.run_type = 'backfill')
      ORDER BY r.last_scheduling_decision NULLS FIRST, r.logical_date
      LIMIT $1
      FOR UPDATE OF r SKIP LOCKED`,
    [limit],
  );
  return rows;
}

/**
 * The running runs an event named (dag_id and run_id pairs), locked as `lockRunsToSchedule` locks them. A lookup by
 * key rather than a scan of every running run: this runs once per hop.
 */
export async function lockNamedRunsToSchedule(db: Queryable, dagIds: readonly string[], runIds: readonly string[]): Promise<DagRunRow[]> {
  const { rows } = await db.query<DagRunRow>(
    `SELECT r.* FROM unnest($1::text[], $2::text[]) AS k(dag_id, run_id)
       JOIN dag_run r ON r.dag_id = k.dag_id AND r.run_id = k.run_id
       JOIN dag d ON d.dag_id = r.dag_id
      WHERE r.state = 'running' AND (NOT d.is_paused OR r.run_type = 'backfill')
      FOR UPDATE OF r SKIP LOCKED`,
    [dagIds, runIds],
  );
  return rows;
}

/** Finishes a run (guarded: only a running run finishes). Parameters: id, state. */
export async function finishDagRun(db: Queryable, id: number, state: "success" | "failed"): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE dag_run SET state = $2, end_date = now(), last_scheduling_decision = now() WHERE id = $1 AND state = 'running'",
    [id, state],
  );
  return rowCount === 1;
}

export async function touchSchedulingDecision(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length) await db.query("UPDATE dag_run SET last_scheduling_decision = now() WHERE id = ANY($1::bigint[])", [ids]);
}

/** The latest successful run before this logical date (Airflow's prev_*_success context values). */
export async function previousSuccessfulRun(db: Queryable, dagId: string, before: Date): Promise<DagRunRow | null> {
  const { rows } = await db.query<DagRunRow>(
    "SELECT * FROM dag_run WHERE dag_id = $1 AND state = 'success' AND logical_date < $2 ORDER BY logical_date DESC LIMIT 1",
    [dagId, before],
  );
  return rows[0] ?? null;
}

/** Running runs of a DAG with a later logical date than this run's (those depends_on_past may hold back on it). */
export async function laterRunningRuns(db: Queryable, dagId: string, runId: string): Promise<string[]> {
  const { rows } = await db.query<{ run_id: string }>(
    `SELECT r.run_id FROM dag_run r JOIN dag_run cur ON cur.dag_id = r.dag_id AND cur.run_id = $2
      WHERE r.dag_id = $1 AND r.state = 'running' AND r.logical_date > cur.logical_date`,
    [dagId, runId],
  );
  return rows.map((r) => r.run_id);
}
