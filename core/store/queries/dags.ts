import type { SerializedTimetable } from "../../timetables/index.ts";
import type { Queryable } from "../database.ts";

/** A dag row, with the timetable of its latest serialized version (null before the DAG processor stored one). */
export interface DagRow {
  dag_id: string;
  fileloc: string;
  is_paused: boolean;
  is_active: boolean;
  has_import_errors: boolean;
  owners: string;
  description: string;
  timetable_summary: string | null;
  timetable: SerializedTimetable | null;
  tags: string[];
  max_active_runs: number;
  max_active_tasks: number;
  last_parsed_time: Date | null;
  next_dagrun: Date | null;
  next_dagrun_data_interval_start: Date | null;
  next_dagrun_data_interval_end: Date | null;
  next_dagrun_create_after: Date | null;
}

const SELECT_DAG = `
  SELECT d.dag_id, d.fileloc, d.is_paused, d.is_active, d.has_import_errors, d.owners, d.description, d.timetable_summary,
         (SELECT s.data -> 'timetable' FROM serialized_dag s WHERE s.dag_id = d.dag_id ORDER BY s.version DESC LIMIT 1) AS timetable,
         d.tags, d.max_active_runs, d.max_active_tasks, d.last_parsed_time, d.next_dagrun, d.next_dagrun_data_interval_start,
         d.next_dagrun_data_interval_end, d.next_dagrun_create_after
    FROM dag d`;

/** Parameters: dag_id. */
export async function getDagRow(db: Queryable, dagId: string): Promise<DagRow | null> {
  const { rows } = await db.query<DagRow>(`${SELECT_DAG} WHERE d.dag_id = $1`, [dagId]);
  return rows[0] ?? null;
}

/** The ids of the DAGs whose file is still there (for "did you mean" suggestions). */
export async function listActiveDagIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ dag_id: string }>("SELECT dag_id FROM dag WHERE is_active ORDER BY dag_id");
  return rows.map((r) => r.dag_id);
}

/** Pauses or unpauses a DAG. Parameters: dag_id, is_paused. False when there is no such DAG. */
export async function setDagPaused(db: Queryable, dagId: string, isPaused: boolean): Promise<boolean> {
  const { rowCount } = await db.query("UPDATE dag SET is_paused = $2 WHERE dag_id = $1", [dagId, isPaused]);
  return rowCount === 1;
}
