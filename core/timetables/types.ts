import type { Dataset } from "../dataset.ts";
import type { DatasetCondition } from "./dataset-triggered.ts";

/**
 * The timetable contract (Airflow's `airflow/timetables/base.py`): a DAG's `schedule` becomes a timetable, which
 * answers "when is the next automated run and which data interval does it cover" and "which interval does a
 * manual run triggered at T cover". All dates are UTC instants; only the timetable looks at the DAG's timezone.
 */

/** `[start, end)` of the data a run processes. */
export interface DataInterval {
  start: Date;
  end: Date;
}

/** One run the timetable asks for: created once `now ≥ runAfter`; `logicalDate` = `dataInterval.start`. */
export interface DagRunInfo {
  runAfter: Date;
  dataInterval: DataInterval;
  logicalDate: Date;
}

/** Bounds from the DAG: earliest = start date (min over DAG and tasks), latest = end date. */
export interface TimeRestriction {
  earliest: Date | null;
  latest: Date | null;
  catchup: boolean;
}

export type SerializedTimetable =
  | { type: "null" }
  | { type: "once" }
  | { type: "continuous" }
  | { type: "cron"; expression: string; timezone: string }
  | { type: "cron_trigger"; expression: string; timezone: string; intervalSeconds: number }
  | { type: "delta"; seconds: number }
  | { type: "dataset"; condition: SerializedDatasetCondition }
  | { type: "dataset_or_time"; condition: SerializedDatasetCondition; timetable: SerializedTimetable };

/** A dataset schedule's condition as stored: a URI, or all/any of several. */
export type SerializedDatasetCondition = { uri: string } | { op: "and" | "or"; items: SerializedDatasetCondition[] };

export interface Timetable {
  readonly type: SerializedTimetable["type"];
  /** What the UI shows: the preset or cron as written ("@daily", "0 6 * * 1-5"), "None", "@once", or for delta e.g. "1 day, 0:00:00" like Python's timedelta str. */
  readonly summary: string;
  /** false for null/once-style timetables that produce no periodic runs (Airflow's `periodic`) */
  readonly periodic: boolean;
  /** false only for the null timetable */
  readonly canBeScheduled: boolean;
  nextDagrunInfo(args: { lastAutomatedDataInterval: DataInterval | null; restriction: TimeRestriction; now: Date }): DagRunInfo | null;
  inferManualDataInterval(runAfter: Date): DataInterval;
  serialize(): SerializedTimetable;
}

/** What a DAG author writes as `schedule`. */
export type ScheduleSpec =
  | string
  | null
  | undefined
  | { days?: number; hours?: number; minutes?: number; seconds?: number }
  | Timetable
  | Dataset
  | readonly Dataset[]
  | DatasetCondition;

/** Airflow's `DagRunInfo.interval`: the run is due when its interval has ended. */
export function intervalRunInfo(start: Date, end: Date): DagRunInfo {
  return { runAfter: end, dataInterval: { start, end }, logicalDate: start };
}

/** Airflow's `DagRunInfo.exact`: a zero-length interval at `at`. */
export function exactRunInfo(at: Date): DagRunInfo {
  return intervalRunInfo(at, at);
}

export function laterOf(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
