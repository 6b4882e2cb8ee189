import type { PreviousRunFacts } from "../../semantics/depends-on-past.ts";
import type { Queryable } from "../database.ts";

export interface PreviousRunQuery {
  /** With `catchup`, Airflow compares only with non-manual runs (`get_previous_scheduled_dagrun`). */
  scheduledOnly: boolean;
  /** Tasks whose TIs in the previous run are counted: the depends_on_past tasks and the direct downstreams of the wait_for_downstream ones. */
  taskIds: readonly string[];
  /** ignore_first_depends_on_past tasks: when the previous run has none of their TIs, did they ever run before? */
  firstTaskIds: readonly string[];
}

/**
 * Everything depends_on_past and wait_for_downstream need for one pass over one run, in one statement: the previous
 * run (latest earlier logical date, any state), its TIs of the tasks asked about counted by outcome, and which
 * ignore_first_depends_on_past tasks absent from it have a TI in some earlier run. Null when there is no previous run.
 * Parameters: dag_id, logical_date (of the run being planned), scheduled_only, task_id[], first_task_id[].
 */
export async function previousRunStates(db: Queryable, dagId: string, logicalDate: Date, query: PreviousRunQuery): Promise<PreviousRunFacts | null> {
  const { rows } = await db.query<{ logical_date: Date; counts: string; ran_before: string[] }>(
    `WITH prev AS (
       SELECT run_id, logical_date FROM dag_run
        WHERE dag_id = $1 AND logical_date < $2 AND (NOT $3 OR run_type <> 'manual')
        ORDER BY logical_date DESC LIMIT 1
     ), counts AS (
       SELECT ti.task_id, count(*)::int AS total,
              count(*) FILTER (WHERE ti.state IS NULL OR ti.state NOT IN ('success', 'skipped'))::int AS unsuccessful
         FROM task_instance ti JOIN prev ON ti.run_id = prev.run_id
        WHERE ti.dag_id = $1 AND ti.task_id = ANY($4::text[])
        GROUP BY ti.task_id
     )
     SELECT prev.logical_date,
            (SELECT coalesce(json_agg(json_build_array(task_id, total, unsuccessful)), '[]')::text FROM counts) AS counts,
            ARRAY(SELECT f.task_id FROM unnest($5::text[]) AS f(task_id)
                   WHERE NOT EXISTS (SELECT 1 FROM counts c WHERE c.task_id = f.task_id)
                     AND EXISTS (SELECT 1 FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
                                  WHERE ti.dag_id = $1 AND ti.task_id = f.task_id AND r.logical_date < $2)) AS ran_before
       FROM prev`,
    [dagId, logicalDate, query.scheduledOnly, query.taskIds, query.firstTaskIds],
  );
  const row = rows[0];
  if (!row) return null;
  const counts = JSON.parse(row.counts) as Array<[string, number, number]>;
  return {
    logicalDate: row.logical_date,
    tis: new Map(counts.map(([taskId, total, unsuccessful]) => [taskId, { total, unsuccessful }])),
    ranBefore: new Set(row.ran_before),
  };
}
