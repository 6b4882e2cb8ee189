import type { Queryable } from "../database.ts";

/** How many TIs of these tasks in one run are in each state (null state as "none"). Parameters: dag_id, run_id, task_id[]. */
export async function taskStateCounts(db: Queryable, dagId: string, runId: string, taskIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ state: string; n: number }>(
    `SELECT coalesce(state, 'none') AS state, count(*)::int AS n FROM task_instance
      WHERE dag_id = $1 AND run_id = $2 AND task_id = ANY($3::text[]) GROUP BY 1`,
    [dagId, runId, taskIds],
  );
  return new Map(rows.map((r) => [r.state, r.n]));
}
