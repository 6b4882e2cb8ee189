/** Timetables: a DAG's `schedule` turned into data intervals, logical dates and next-run info (Airflow 2.10 semantics). */
export type { DagRunInfo, DataInterval, ScheduleSpec, SerializedTimetable, TimeRestriction, Timetable } from "./types.ts";
export { TimetableError } from "./errors.ts";
export { createTimetable, deserializeTimetable } from "./create.ts";
export { CronDataIntervalTimetable } from "./cron.ts";
export { CronTriggerTimetable } from "./trigger.ts";
export { DeltaDataIntervalTimetable } from "./delta.ts";
export { ContinuousTimetable, NullTimetable, OnceTimetable } from "./simple.ts";
export { AIRFLOW_CRON_PRESETS } from "./cron-expression.ts";
export { runIdFor, runTypeFromRunId } from "./run-id.ts";
