import type { Queryable } from "../../../core/store/database.ts";
import type { DagRunRow } from "../../../core/store/queries/dag-runs.ts";
import type { TaskState } from "../../../core/types.ts";

/** One TI as the grid needs it: [run_id, task_id, map_index, state, try_number]. */
export type GridTi = [string, string, number, TaskState, number];

/** The DAG's latest runs, newest first. Parameters: dag_id, limit. */
export async function latestRuns(db: Queryable, dagId: string, limit: number): Promise<DagRunRow[]> {
  const { rows } = await db.query<DagRunRow>("SELECT * FROM dag_run WHERE dag_id = $1 ORDER BY logical_date DESC LIMIT $2", [dagId, limit]);
  return rows;
}

/**
 * Every TI of these runs, as one JSON value: PGlite decodes rows field by field, and 2,500 TIs (25 runs × 100 tasks)
 * come back several times faster as one JSON text than as 2,500 rows (see core/store/queries/task-instances.ts,
 * runSnapshot). Parameters: dag_id, run_id[].
 */
export async function gridTaskInstances(db: Queryable, dagId: string, runIds: readonly string[]): Promise<GridTi[]> {
  if (!runIds.length) return [];
  const { rows } = await db.query<{ tis: string | null }>(
    `SELECT json_agg(json_build_array(run_id, task_id, map_index, state, try_number))::text AS tis
       FROM task_instance WHERE dag_id = $1 AND run_id = ANY($2::text[])`,
    [dagId, runIds],
  );
  return JSON.parse(rows[0]?.tis ?? "null") ?? [];
}

/**
 * How long each task took in each of these runs: [run_id, task_id, seconds, map indexes]. A mapped task's time is
 * from its first map index's start to its last one's end. Parameters: dag_id, run_id[].
 */
export async function taskDurations(db: Queryable, dagId: string, runIds: readonly string[]): Promise<Array<[string, string, number | null, number]>> {
  if (!runIds.length) return [];
  const { rows } = await db.query<{ durations: string | null }>(
    `SELECT json_agg(json_build_array(run_id, task_id, seconds, n))::text AS durations FROM (
       SELECT run_id, task_id,
              CASE WHEN count(*) = 1 THEN max(duration) ELSE extract(epoch FROM max(end_date) - min(start_date)) END AS seconds,
              count(*) FILTER (WHERE map_index >= 0)::int AS n
         FROM task_instance WHERE dag_id = $1 AND run_id = ANY($2::text[]) AND start_date IS NOT NULL
        GROUP BY run_id, task_id) d`,
    [dagId, runIds],
  );
  return JSON.parse(rows[0]?.durations ?? "null") ?? [];
}
