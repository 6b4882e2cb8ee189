import type { Queryable } from "../database.ts";

export interface RunningTry {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  try_number: number;
  logical_date: Date;
  /** How long this try (for a reschedule-mode sensor: this poke) has been running, by the database's clock. */
  running_seconds: number;
}

/**
 * Running tries that started more than `minSeconds` ago. A try starts when it is queued at the latest; for a sensor
 * resuming in reschedule mode `start_date` is its first poke's, so the later `queued_dttm` marks this poke.
 * Parameter: minSeconds.
 */
export async function triesRunningLongerThan(db: Queryable, minSeconds: number): Promise<RunningTry[]> {
  const { rows } = await db.query<RunningTry>(
    `SELECT ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number, r.logical_date,
            extract(epoch FROM now() - greatest(ti.start_date, ti.queued_dttm))::float8 AS running_seconds
       FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
      WHERE ti.state = 'running' AND greatest(ti.start_date, ti.queued_dttm) < now() - make_interval(secs => $1)`,
    [minSeconds],
  );
  return rows;
}
