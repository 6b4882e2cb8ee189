import type { SerializedDag } from "../core/serialization.ts";
import type { Queryable } from "../core/store/database.ts";
import { deserializeTimetable, type DagRunInfo } from "../core/timetables/index.ts";

/**
 * Airflow's `next_dagrun*` fields of a DAG: the next scheduled run after the last automated (scheduled or backfill)
 * one, per the timetable, start/end dates and catchup. While the DAG has max_active_runs queued or running runs,
 * `next_dagrun_create_after` is cleared, so nothing is created until a run finishes.
 */
export async function refreshNextDagrun(db: Queryable, dag: SerializedDag, now: Date): Promise<DagRunInfo | null> {
  const { rows: last } = await db.query<{ data_interval_start: Date; data_interval_end: Date }>(
    `SELECT data_interval_start, data_interval_end FROM dag_run
      WHERE dag_id = $1 AND run_type IN ('scheduled', 'backfill') ORDER BY logical_date DESC LIMIT 1`,
    [dag.dag_id],
  );
  const timetable = deserializeTimetable(dag.timetable);
  const taskStarts = dag.tasks.map((t) => t.start_date).filter((d): d is string => d !== null);
  const starts = [dag.start_date, ...taskStarts].filter((d): d is string => d !== null).map((d) => new Date(d).getTime());
  const info = timetable.nextDagrunInfo({
    lastAutomatedDataInterval: last[0] ? { start: last[0].data_interval_start, end: last[0].data_interval_end } : null,
    restriction: {
      earliest: starts.length ? new Date(Math.min(...starts)) : null,
      latest: dag.end_date ? new Date(dag.end_date) : null,
      catchup: dag.catchup,
    },
    now,
  });
  const { rows: active } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM dag_run WHERE dag_id = $1 AND state IN ('queued', 'running')",
    [dag.dag_id],
  );
  const blocked = active[0].n >= dag.max_active_runs;
  await db.query(
    `UPDATE dag SET next_dagrun = $2, next_dagrun_data_interval_start = $3, next_dagrun_data_interval_end = $4,
                    next_dagrun_create_after = $5
      WHERE dag_id = $1`,
    [dag.dag_id, info?.logicalDate ?? null, info?.dataInterval.start ?? null, info?.dataInterval.end ?? null, info && !blocked ? info.runAfter : null],
  );
  return info;
}
