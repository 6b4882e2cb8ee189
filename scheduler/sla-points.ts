import type { DataInterval, Timetable } from "../core/timetables/index.ts";

/**
 * Bounds the walk for a task whose last success is far behind a frequent schedule (every minute for weeks): Airflow's
 * walk is unbounded; past this many schedule points only the latest ones would be new misses anyway.
 */
export const MAX_POINTS_PER_TASK = 1000;

/**
 * Airflow 2.10's `manage_slas` walk for one task: from the run of the task's latest successful or skipped TI, step
 * through the following schedule points (unrestricted by start date or catchup) while they are before `now`. As in
 * Airflow, the first point after that run is stepped over before any is checked (the loop advances before it tests),
 * and a point L misses when `L + sla < now`, L being a logical date (an interval start).
 */
export function missedSchedulePoints(timetable: Timetable, lastInterval: DataInterval, slaSeconds: number, now: Date): Date[] {
  const restriction = { earliest: null, latest: null, catchup: true };
  const missed: Date[] = [];
  let next = timetable.nextDagrunInfo({ lastAutomatedDataInterval: lastInterval, restriction, now });
  for (let steps = 0; next && next.logicalDate < now && steps < MAX_POINTS_PER_TASK; steps++) {
    next = timetable.nextDagrunInfo({ lastAutomatedDataInterval: next.dataInterval, restriction, now });
    if (!next) break;
    if (next.logicalDate.getTime() + slaSeconds * 1000 < now.getTime()) missed.push(next.logicalDate);
  }
  return missed;
}
