import type { Queryable } from "../database.ts";

/** A dataset event waiting for a DAG scheduled on that dataset (Airflow's dataset_dag_run_queue). */
export interface QueuedEventRow {
  uri: string;
  dag_id: string;
  created_at: Date;
}

const WHERE = `($1::text IS NULL OR q.target_dag_id = $1) AND ($2::text IS NULL OR d.uri = $2)
   AND ($3::timestamptz IS NULL OR q.created_at < $3)`;

/** Queued events of a DAG and/or a dataset (null = any), created before `before`. Parameters: dag_id, uri, before. */
export async function listQueuedEvents(db: Queryable, dagId: string | null, uri: string | null, before: Date | null): Promise<QueuedEventRow[]> {
  const { rows } = await db.query<QueuedEventRow>(
    `SELECT d.uri, q.target_dag_id AS dag_id, q.created_at
       FROM dataset_dag_run_queue q JOIN dataset d ON d.id = q.dataset_id
      WHERE ${WHERE} ORDER BY q.created_at, d.uri, q.target_dag_id`,
    [dagId, uri, before],
  );
  return rows;
}

/** Deletes those queued events; how many there were. Parameters as listQueuedEvents. */
export async function deleteQueuedEvents(db: Queryable, dagId: string | null, uri: string | null, before: Date | null): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM dataset_dag_run_queue q USING dataset d WHERE d.id = q.dataset_id AND ${WHERE}`,
    [dagId, uri, before],
  );
  return rowCount;
}
