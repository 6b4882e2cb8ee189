/** `schedule` → timetable (Airflow's `create_timetable`), and stored form → timetable. */
import { durationToMs } from "../dates.ts";
import { CronDataIntervalTimetable } from "./cron.ts";
import { asDatasetCondition, DatasetOrTimeSchedule, DatasetTriggeredTimetable, deserializeCondition } from "./dataset-triggered.ts";
import { DeltaDataIntervalTimetable } from "./delta.ts";
import { TimetableError } from "./errors.ts";
import { ContinuousTimetable, NullTimetable, OnceTimetable } from "./simple.ts";
import { CronTriggerTimetable } from "./trigger.ts";
import type { ScheduleSpec, SerializedTimetable, Timetable } from "./types.ts";

const ONE_DAY_MS = 86_400_000;
const DURATION_KEYS = new Set(["days", "hours", "minutes", "seconds", "milliseconds"]);

export function createTimetable(schedule: ScheduleSpec, opts: { timezone: string }): Timetable {
  if (schedule === undefined) return new DeltaDataIntervalTimetable(ONE_DAY_MS);
  if (schedule === null || schedule === "None" || schedule === "none") return new NullTimetable();
  if (schedule === "@once") return new OnceTimetable();
  if (schedule === "@continuous") return new ContinuousTimetable();
  if (typeof schedule === "string") return new CronDataIntervalTimetable(schedule, opts.timezone);
  const datasets = asDatasetCondition(schedule);
  if (datasets) return new DatasetTriggeredTimetable(datasets);
  if (isTimetable(schedule)) return schedule;
  if (typeof schedule === "object" && Object.getPrototypeOf(schedule) === Object.prototype) {
    return new DeltaDataIntervalTimetable(durationOf(schedule as Record<string, unknown>));
  }
  throw new TimetableError(
    `Invalid schedule ${describe(schedule)}: use a cron expression ("0 6 * * *"), a preset ("@daily", "@once"), ` +
      `a duration ({ hours: 6 }), datasets ([dataset], allOf(…), anyOf(…)), null for manual runs only, or a timetable.`,
  );
}

export function deserializeTimetable(s: SerializedTimetable): Timetable {
  switch (s.type) {
    case "null":
      return new NullTimetable();
    case "once":
      return new OnceTimetable();
    case "continuous":
      return new ContinuousTimetable();
    case "cron":
      return new CronDataIntervalTimetable(s.expression, s.timezone);
    case "cron_trigger":
      return new CronTriggerTimetable(s.expression, { timezone: s.timezone, interval: s.intervalSeconds });
    case "delta":
      return new DeltaDataIntervalTimetable(s.seconds * 1000);
    case "dataset":
      return new DatasetTriggeredTimetable(deserializeCondition(s.condition));
    case "dataset_or_time":
      return new DatasetOrTimeSchedule(deserializeTimetable(s.timetable), deserializeCondition(s.condition));
    default:
      throw new TimetableError(`Unknown stored timetable ${JSON.stringify(s)}: re-parse the DAG file to store it again.`);
  }
}

function isTimetable(value: object): value is Timetable {
  const t = value as Partial<Timetable>;
  return typeof t.nextDagrunInfo === "function" && typeof t.inferManualDataInterval === "function" && typeof t.serialize === "function";
}

function durationOf(spec: Record<string, unknown>): number {
  const unknown = Object.keys(spec).filter((k) => !DURATION_KEYS.has(k));
  if (unknown.length) {
    throw new TimetableError(
      `Invalid schedule ${describe(spec)}: unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}; ` +
        `a duration takes days, hours, minutes and seconds, e.g. { days: 7 } for weekly.`,
    );
  }
  try {
    return durationToMs(spec as { days?: number }, "schedule");
  } catch (error) {
    throw new TimetableError((error as Error).message);
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
