/**
 * Timetables whose runs each cover one data interval and start when it ends (Airflow's `_DataIntervalTimetable`):
 * the shared "next run" logic of cron and delta schedules.
 */
import { intervalRunInfo, laterOf, type DagRunInfo, type DataInterval, type TimeRestriction } from "./types.ts";

export interface IntervalSteps {
  getNext(current: Date): Date;
  alignToNext(current: Date): Date;
  alignToPrev(current: Date): Date;
  /** catchup=False: where the first interval may start at the earliest, given `now`. */
  skipToLatest(earliest: Date | null, now: Date): Date;
}

export function nextDataInterval(
  steps: IntervalSteps,
  { lastAutomatedDataInterval, restriction, now }: { lastAutomatedDataInterval: DataInterval | null; restriction: TimeRestriction; now: Date },
): DagRunInfo | null {
  let earliest = restriction.earliest;
  if (!restriction.catchup) earliest = steps.skipToLatest(earliest, now);
  else if (earliest !== null) earliest = steps.alignToNext(earliest);
  let start: Date;
  if (lastAutomatedDataInterval === null) {
    if (earliest === null) return null;
    start = earliest;
  } else {
    // Aligning matters when the schedule changed since the last run.
    const lastEnd = steps.alignToPrev(lastAutomatedDataInterval.end);
    start = earliest === null ? lastEnd : laterOf(lastEnd, earliest);
  }
  if (restriction.latest !== null && start.getTime() > restriction.latest.getTime()) return null;
  return intervalRunInfo(start, steps.getNext(start));
}
