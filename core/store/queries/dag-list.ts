import type { Queryable } from "../database.ts";
import type { DagRow } from "./dags.ts";

export interface DagListFilter {
  /** DAGs with any of these tags; all when empty. */
  tags: readonly string[];
  /** A substring of the dag_id (Airflow's `dag_id_pattern`, an ILIKE %pattern%); LIKE wildcards in it are literal. */
  dagIdPattern: string | null;
  onlyActive: boolean;
  paused: boolean | null;
  /** Only these DAGs (a role's readable DAGs); all when null. */
  dagIds: readonly string[] | null;
}

const WHERE = `(cardinality($1::text[]) = 0 OR d.tags ?| $1::text[])
   AND ($2::text IS NULL OR d.dag_id ILIKE '%' || $2 || '%' ESCAPE '\\')
   AND (NOT $3 OR d.is_active)
   AND ($4::boolean IS NULL OR d.is_paused = $4)
   AND ($5::text[] IS NULL OR d.dag_id = ANY($5::text[]))`;

export const DAG_ORDER_COLUMNS = {
  dag_id: "d.dag_id", dag_display_name: "d.dag_id", is_paused: "d.is_paused", is_active: "d.is_active", fileloc: "d.fileloc",
  owners: "d.owners", description: "d.description", last_parsed_time: "d.last_parsed_time", next_dagrun: "d.next_dagrun",
  max_active_runs: "d.max_active_runs", max_active_tasks: "d.max_active_tasks",
} as const;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const params = (f: DagListFilter) => [f.tags, f.dagIdPattern === null ? null : escapeLike(f.dagIdPattern), f.onlyActive, f.paused, f.dagIds];

/**
 * A page of DAGs and how many match. `order` is a clause from `orderByClause` over DAG_ORDER_COLUMNS.
 * Parameters: tag[], dag_id_pattern, only_active, paused, dag_id[], limit, offset.
 */
export async function listDags(db: Queryable, filter: DagListFilter, order: string, limit: number, offset: number): Promise<{ dags: DagRow[]; total: number }> {
  const { rows } = await db.query<DagRow>(
    `SELECT d.dag_id, d.fileloc, d.is_paused, d.is_active, d.has_import_errors, d.owners, d.description, d.timetable_summary,
            (SELECT s.data -> 'timetable' FROM serialized_dag s WHERE s.dag_id = d.dag_id ORDER BY s.version DESC LIMIT 1) AS timetable,
            d.tags, d.max_active_runs, d.max_active_tasks, d.last_parsed_time, d.next_dagrun, d.next_dagrun_data_interval_start,
            d.next_dagrun_data_interval_end, d.next_dagrun_create_after
       FROM dag d WHERE ${WHERE} ${order} LIMIT $6 OFFSET $7`,
    [...params(filter), limit, offset],
  );
  const { rows: count } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dag d WHERE ${WHERE}`, params(filter));
  return { dags: rows, total: count[0].n };
}

/** The ids of the DAGs that match (bulk PATCH /dags). Parameters as listDags. */
export async function matchingDagIds(db: Queryable, filter: DagListFilter, limit: number, offset: number): Promise<string[]> {
  const { rows } = await db.query<{ dag_id: string }>(`SELECT d.dag_id FROM dag d WHERE ${WHERE} ORDER BY d.dag_id LIMIT $6 OFFSET $7`, [...params(filter), limit, offset]);
  return rows.map((r) => r.dag_id);
}

/** Pauses or unpauses these DAGs. Parameters: dag_id[], is_paused. */
export async function setDagsPaused(db: Queryable, dagIds: readonly string[], isPaused: boolean): Promise<void> {
  await db.query("UPDATE dag SET is_paused = $2 WHERE dag_id = ANY($1::text[])", [dagIds, isPaused]);
}

/** How many of the DAG's TIs are queued or running (a DAG is not deleted under them). Parameters: dag_id. */
export async function countActiveTaskInstances(db: Queryable, dagId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM task_instance WHERE dag_id = $1 AND state IN ('queued', 'running', 'restarting')", [dagId]);
  return rows[0].n;
}

/** Deletes a DAG and, by cascade, its versions, runs, TIs, XComs, rendered fields and history. Parameters: dag_id. */
export async function deleteDagRow(db: Queryable, dagId: string): Promise<boolean> {
  await db.query("DELETE FROM task_instance WHERE dag_id = $1", [dagId]);
  const { rowCount } = await db.query("DELETE FROM dag WHERE dag_id = $1", [dagId]);
  return rowCount === 1;
}

/** Whether some DAG's file is this path (a dag source is only served for those). Parameters: fileloc. */
export async function isKnownDagFile(db: Queryable, fileloc: string): Promise<boolean> {
  const { rowCount } = await db.query("SELECT 1 FROM dag WHERE fileloc = $1 LIMIT 1", [fileloc]);
  return rowCount > 0;
}

/**
 * Asks the DAG processor to parse this file again at its next pass (Airflow's PUT /parseDagFile): its remembered
 * mtime becomes -1 (the processor's PARSE_AGAIN_MTIME), which no file has. Parameters: fileloc. False for an unknown file.
 */
export async function requestReparse(db: Queryable, fileloc: string): Promise<boolean> {
  const { rowCount } = await db.query("UPDATE dag_file SET mtime_ms = -1 WHERE fileloc = $1", [fileloc]);
  return rowCount === 1;
}
