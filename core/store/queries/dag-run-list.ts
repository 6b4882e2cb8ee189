import type { Queryable } from "../database.ts";
import type { DagRunRow } from "./dag-runs.ts";

/** The REST API's DAG run filters (GET …/dagRuns and POST /dags/~/dagRuns/list). Null = no bound. */
export interface DagRunListFilter {
  /** These DAGs; every DAG when null. */
  dagIds: readonly string[] | null;
  states: readonly string[];
  logicalDateGte: Date | null;
  logicalDateLte: Date | null;
  startDateGte: Date | null;
  startDateLte: Date | null;
  endDateGte: Date | null;
  endDateLte: Date | null;
}

export const DAG_RUN_ORDER_COLUMNS = {
  id: "id", dag_id: "dag_id", dag_run_id: "run_id", run_id: "run_id", logical_date: "logical_date", execution_date: "logical_date",
  start_date: "start_date", end_date: "end_date", state: "state", run_type: "run_type", data_interval_start: "data_interval_start",
  data_interval_end: "data_interval_end", last_scheduling_decision: "last_scheduling_decision", external_trigger: "external_trigger",
  queued_at: "queued_at", updated_at: "id",
} as const;

const WHERE = `($1::text[] IS NULL OR dag_id = ANY($1::text[]))
   AND (cardinality($2::text[]) = 0 OR state = ANY($2::text[]))
   AND ($3::timestamptz IS NULL OR logical_date >= $3) AND ($4::timestamptz IS NULL OR logical_date <= $4)
   AND ($5::timestamptz IS NULL OR start_date >= $5) AND ($6::timestamptz IS NULL OR start_date <= $6)
   AND ($7::timestamptz IS NULL OR end_date >= $7) AND ($8::timestamptz IS NULL OR end_date <= $8)`;

const params = (f: DagRunListFilter) => [f.dagIds, f.states, f.logicalDateGte, f.logicalDateLte, f.startDateGte, f.startDateLte, f.endDateGte, f.endDateLte];

/**
 * A page of DAG runs and how many match. `order` comes from `orderByClause` over DAG_RUN_ORDER_COLUMNS.
 * Parameters: dag_id[], state[], the six date bounds, limit, offset.
 */
export async function listDagRunsWhere(db: Queryable, filter: DagRunListFilter, order: string, limit: number, offset: number): Promise<{ runs: DagRunRow[]; total: number }> {
  const { rows } = await db.query<DagRunRow>(`SELECT * FROM dag_run WHERE ${WHERE} ${order} LIMIT $9 OFFSET $10`, [...params(filter), limit, offset]);
  const { rows: count } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dag_run WHERE ${WHERE}`, params(filter));
  return { runs: rows, total: count[0].n };
}

/** Sets a run's note. Parameters: dag_id, run_id, note. */
export async function setDagRunNote(db: Queryable, dagId: string, runId: string, note: string): Promise<DagRunRow | null> {
  const { rows } = await db.query<DagRunRow>("UPDATE dag_run SET note = $3 WHERE dag_id = $1 AND run_id = $2 RETURNING *", [dagId, runId, note]);
  return rows[0] ?? null;
}

/** Deletes a run with its TIs, XComs and logs' index (cascade). Parameters: dag_id, run_id. */
export async function deleteDagRunRow(db: Queryable, dagId: string, runId: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM dag_run WHERE dag_id = $1 AND run_id = $2", [dagId, runId]);
  return rowCount === 1;
}

/** The id of the DAG's run at this logical date, or null. Parameters: dag_id, logical_date. */
export async function runIdAt(db: Queryable, dagId: string, logicalDate: Date): Promise<string | null> {
  const { rows } = await db.query<{ run_id: string }>("SELECT run_id FROM dag_run WHERE dag_id = $1 AND logical_date = $2", [dagId, logicalDate]);
  return rows[0]?.run_id ?? null;
}

/** How many runs each of these DAGs has in each state. Parameters: dag_id[]. */
export async function dagRunStateCounts(db: Queryable, dagIds: readonly string[]): Promise<Array<{ dag_id: string; state: string; count: number }>> {
  const { rows } = await db.query<{ dag_id: string; state: string; count: number }>(
    "SELECT dag_id, state, count(*)::int AS count FROM dag_run WHERE dag_id = ANY($1::text[]) GROUP BY dag_id, state",
    [dagIds],
  );
  return rows;
}
