import type { JsonValue } from "../../types.ts";
import type { Queryable } from "../database.ts";

export interface XComEntryRow {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  value: JsonValue;
  timestamp: Date;
  logical_date: Date;
}

export interface XComFilter {
  /** Null = any (the `~` wildcard). */
  dagIds: readonly string[] | null;
  runId: string | null;
  taskId: string | null;
  mapIndex: number | null;
  key: string | null;
}

const WHERE = `($1::text[] IS NULL OR x.dag_id = ANY($1::text[])) AND ($2::text IS NULL OR x.run_id = $2)
   AND ($3::text IS NULL OR x.task_id = $3) AND ($4::int IS NULL OR x.map_index = $4) AND ($5::text IS NULL OR x.key = $5)`;
const FROM = "FROM xcom x JOIN dag_run r ON r.dag_id = x.dag_id AND r.run_id = x.run_id";
const params = (f: XComFilter) => [f.dagIds, f.runId, f.taskId, f.mapIndex, f.key];

/** A page of XCom entries (values included) and how many match. Parameters: dag_id[], run_id, task_id, map_index, key, limit, offset. */
export async function listXComEntries(db: Queryable, filter: XComFilter, limit: number, offset: number): Promise<{ entries: XComEntryRow[]; total: number }> {
  const { rows } = await db.query<XComEntryRow>(
    `SELECT x.*, r.logical_date ${FROM} WHERE ${WHERE} ORDER BY x.dag_id, x.run_id, x.task_id, x.map_index, x.key LIMIT $6 OFFSET $7`,
    [...params(filter), limit, offset],
  );
  const { rows: count } = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${FROM} WHERE ${WHERE}`, params(filter));
  return { entries: rows, total: count[0].n };
}
