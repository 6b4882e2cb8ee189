import type { JsonObject } from "../../types.ts";
import type { Queryable } from "../database.ts";

export interface DatasetRow {
  id: number;
  uri: string;
  extra: JsonObject;
  created_at: Date;
  updated_at: Date;
  /** DAGs scheduled on this dataset (from their latest serialized version's timetable). */
  consuming_dag_ids: string[];
}

export interface DatasetEventRow {
  id: number;
  dataset_id: number;
  dataset_uri: string;
  extra: JsonObject;
  source_dag_id: string | null;
  source_task_id: string | null;
  source_run_id: string | null;
  source_map_index: number | null;
  timestamp: Date;
}

export const DATASET_ORDER_COLUMNS = { id: "d.id", uri: "d.uri", created_at: "d.created_at", updated_at: "d.updated_at" } as const;
export const DATASET_EVENT_ORDER_COLUMNS = {
  id: "e.id", timestamp: "e.timestamp", dataset_id: "e.dataset_id", source_dag_id: "e.source_dag_id", source_task_id: "e.source_task_id",
  source_run_id: "e.source_run_id", source_map_index: "e.source_map_index",
} as const;

// Serialized DAGs do not record which datasets schedule them yet (their timetable serializes as "null"): no consumers.
const CONSUMERS = "'{}'::text[] AS consuming_dag_ids";

/**
 * A page of datasets and how many match. Parameters: uri_pattern (a substring, LIKE wildcards literal), dag_id[]
 * (datasets those DAGs consume), limit, offset.
 */
export async function listDatasets(db: Queryable, uriPattern: string | null, dagIds: readonly string[] | null, order: string, limit: number, offset: number): Promise<{ datasets: DatasetRow[]; total: number }> {
  const pattern = uriPattern === null ? null : uriPattern.replace(/[\\%_]/g, (c) => `\\${c}`);
  const where = `($1::text IS NULL OR d.uri LIKE '%' || $1 || '%' ESCAPE '\\')`;
  const { rows } = await db.query<DatasetRow>(
    `SELECT * FROM (SELECT d.id, d.uri, d.extra, d.created_at, d.updated_at, ${CONSUMERS} FROM dataset d WHERE ${where}) d
      WHERE ($2::text[] IS NULL OR d.consuming_dag_ids && $2::text[]) ${order} LIMIT $3 OFFSET $4`,
    [pattern, dagIds, limit, offset],
  );
  const { rows: count } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT ${CONSUMERS} FROM dataset d WHERE ${where}) d WHERE ($2::text[] IS NULL OR d.consuming_dag_ids && $2::text[])`,
    [pattern, dagIds],
  );
  return { datasets: rows, total: count[0].n };
}

/** One dataset by URI. Parameters: uri. */
export async function getDataset(db: Queryable, uri: string): Promise<DatasetRow | null> {
  const { rows } = await db.query<DatasetRow>(`SELECT d.id, d.uri, d.extra, d.created_at, d.updated_at, ${CONSUMERS} FROM dataset d WHERE d.uri = $1`, [uri]);
  return rows[0] ?? null;
}

export interface DatasetEventFilter {
  datasetId: number | null;
  sourceDagId: string | null;
  sourceTaskId: string | null;
  sourceRunId: string | null;
  sourceMapIndex: number | null;
}

const EVENT_WHERE = `($1::bigint IS NULL OR e.dataset_id = $1) AND ($2::text IS NULL OR e.source_dag_id = $2)
   AND ($3::text IS NULL OR e.source_task_id = $3) AND ($4::text IS NULL OR e.source_run_id = $4)
   AND ($5::int IS NULL OR e.source_map_index = $5)`;
const eventParams = (f: DatasetEventFilter) => [f.datasetId, f.sourceDagId, f.sourceTaskId, f.sourceRunId, f.sourceMapIndex];

/** A page of dataset events and how many match. Parameters: the filter's five values, limit, offset. */
export async function listDatasetEvents(db: Queryable, filter: DatasetEventFilter, order: string, limit: number, offset: number): Promise<{ events: DatasetEventRow[]; total: number }> {
  const { rows } = await db.query<DatasetEventRow>(
    `SELECT e.*, d.uri AS dataset_uri FROM dataset_event e JOIN dataset d ON d.id = e.dataset_id WHERE ${EVENT_WHERE} ${order} LIMIT $6 OFFSET $7`,
    [...eventParams(filter), limit, offset],
  );
  const { rows: count } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dataset_event e WHERE ${EVENT_WHERE}`, eventParams(filter));
  return { events: rows, total: count[0].n };
}

/** Records an event on an existing dataset (POST /datasets/events). Parameters: dataset_id, extra. */
export async function insertDatasetEvent(db: Queryable, datasetId: number, extra: JsonObject): Promise<DatasetEventRow> {
  const { rows } = await db.query<DatasetEventRow>(
    `WITH e AS (INSERT INTO dataset_event (dataset_id, extra) VALUES ($1, $2) RETURNING *)
     SELECT e.*, d.uri AS dataset_uri FROM e JOIN dataset d ON d.id = e.dataset_id`,
    [datasetId, JSON.stringify(extra)],
  );
  return rows[0];
}
