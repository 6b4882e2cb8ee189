import { Dataset } from "../core/dataset.ts";
import { Param } from "../core/params.ts";
import { closest } from "../core/suggest.ts";
import { CronDataIntervalTimetable, CronTriggerTimetable, DeltaDataIntervalTimetable } from "../core/timetables/index.ts";
import type { DatasetCondition } from "../core/timetables/dataset-triggered.ts";
import { fromWallClock } from "../core/timetables/timezone.ts";
import type { JsonValue } from "../core/types.ts";
import { ConfigProblem, type KeyPath } from "./issues.ts";

/** Python's `datetime.timedelta`, as a duration Updraft reads (`durationToSeconds` takes its `seconds`). */
export class Timedelta {
  constructor(readonly seconds: number) {}
}

/** `{__and__: [...]}` / `{__or__: [...]}` over datasets: a condition. Over plain strings it becomes "(a & b)" text. */
export class Combined {
  constructor(
    readonly op: "and" | "or",
    readonly items: DatasetCondition[],
  ) {}
}

type Builder = (kwargs: Record<string, unknown>, args: unknown[], path: KeyPath) => unknown;

const TIMEDELTA_UNITS: Record<string, number> = { weeks: 604_800, days: 86_400, hours: 3600, minutes: 60, seconds: 1, milliseconds: 0.001, microseconds: 0.000_001 };

function timedelta(kwargs: Record<string, unknown>, args: unknown[], path: KeyPath): Timedelta {
  // datetime.timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks), positionally in that order.
  const positional = ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"];
  const all: Record<string, unknown> = { ...Object.fromEntries(args.map((v, i) => [positional[i], v])), ...kwargs };
  let seconds = 0;
  for (const [unit, value] of Object.entries(all)) {
    if (!(unit in TIMEDELTA_UNITS)) throw new ConfigProblem([...path, unit], `datetime.timedelta has no argument "${unit}".`, { suggestion: closest(unit, Object.keys(TIMEDELTA_UNITS)), at: "key" });
    if (typeof value !== "number") throw new ConfigProblem([...path, unit], `${unit} must be a number.`);
    seconds += value * TIMEDELTA_UNITS[unit];
  }
  return new Timedelta(seconds);
}

function dataset(kwargs: Record<string, unknown>, args: unknown[], path: KeyPath): Dataset {
  const uri = kwargs.uri ?? args[0] ?? kwargs.name;
  if (typeof uri !== "string") throw new ConfigProblem(path, "A dataset needs a uri.", { expected: "uri: <string>" });
  try {
    return new Dataset(uri, (kwargs.extra as Record<string, JsonValue> | undefined) ?? {});
  } catch (error) {
    throw new ConfigProblem([...path, "uri"], (error as Error).message);
  }
}

const BUILDERS: Record<string, Builder> = {
  "datetime.timedelta": timedelta,
  "dateutil.relativedelta.relativedelta": (kwargs, args, path) => {
    const calendar = Object.keys(kwargs).filter((k) => ["years", "months", "year", "month", "day", "weekday"].includes(k));
    if (calendar.length) throw new ConfigProblem(path, `relativedelta with ${calendar.join(", ")} has no fixed length; Updraft supports only weeks, days, hours, minutes and seconds here.`);
    return timedelta(kwargs, args, path);
  },
  "datetime.datetime": (kwargs, args) => {
    const [year, month, day, hour = 0, minute = 0, second = 0] = args.length ? (args as number[]) : [kwargs.year, kwargs.month, kwargs.day, kwargs.hour, kwargs.minute, kwargs.second].map((v) => (v as number | undefined) ?? 0);
    const naive = Date.UTC(year, month - 1, day, hour, minute, second);
    return new Date(typeof kwargs.tzinfo === "string" ? fromWallClock(naive, kwargs.tzinfo) : naive);
  },
  "airflow.datasets.Dataset": dataset,
  "airflow.sdk.Asset": dataset,
  "airflow.sdk.definitions.asset.Asset": dataset,
  "airflow.assets.Asset": dataset,
  "airflow.timetables.trigger.CronTriggerTimetable": (kwargs, args) =>
    new CronTriggerTimetable(String(kwargs.cron ?? args[0]), { timezone: kwargs.timezone as string | undefined, interval: toDuration(kwargs.interval ?? 0) }),
  "airflow.timetables.interval.CronDataIntervalTimetable": (kwargs, args) => new CronDataIntervalTimetable(String(kwargs.cron ?? args[0]), (kwargs.timezone as string | undefined) ?? "UTC"),
  "airflow.timetables.interval.DeltaDataIntervalTimetable": (kwargs, args) => new DeltaDataIntervalTimetable(toDuration(kwargs.delta ?? args[0]) * 1000),
  "airflow.models.param.Param": (kwargs, args) => {
    const { default: value = args[0], description, ...schema } = kwargs;
    return new Param(value as JsonValue, { ...schema, ...(typeof description === "string" ? { description } : {}) }, description as string | undefined);
  },
  "builtins.list": (kwargs) => (Array.isArray(kwargs.items) ? kwargs.items : []),
};
BUILDERS["airflow.sdk.definitions.param.Param"] = BUILDERS["airflow.models.param.Param"];
BUILDERS["airflow.sdk.Param"] = BUILDERS["airflow.models.param.Param"];

export const SUPPORTED_TYPES = Object.keys(BUILDERS);

/**
 * dag-factory's post-processing of parsed YAML: `{__type__: <dotted.path>, …kwargs}` becomes an object
 * (`__args__` positional), `{__and__|__or__: [...]}` a dataset condition (or "(a & b)" text over strings), and
 * `{__join__: [...]}` a string. Updraft knows the types listed in SUPPORTED_TYPES; any other is an error.
 */
export function castTyped(value: unknown, path: KeyPath): unknown {
  if (Array.isArray(value)) return value.map((item, i) => castTyped(item, [...path, i]));
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.__type__ === "string") {
    const { __type__: type, __args__: args = [], ...kwargs } = record;
    const build = BUILDERS[type as string];
    if (!build) {
      throw new ConfigProblem([...path, "__type__"], `Updraft cannot build __type__ "${type}".`, {
        expected: `one of ${SUPPORTED_TYPES.join(", ")}`,
        suggestion: closest(type as string, SUPPORTED_TYPES),
      });
    }
    const castKwargs = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, castTyped(v, [...path, k])]));
    try {
      return build(castKwargs, castTyped(args, [...path, "__args__"]) as unknown[], path);
    } catch (error) {
      if (error instanceof ConfigProblem) throw error;
      throw new ConfigProblem(path, `Could not build ${type}: ${(error as Error).message}`);
    }
  }
  for (const op of ["and", "or"] as const) {
    const items = record[`__${op}__`];
    if (Array.isArray(items)) {
      const cast = items.map((item, i) => castTyped(item, [...path, `__${op}__`, i]));
      if (cast.every((item) => typeof item === "string")) return `(${cast.join(op === "and" ? " & " : " | ")})`;
      return new Combined(op, cast as DatasetCondition[]);
    }
  }
  if (Array.isArray(record.__join__)) return record.__join__.map((item, i) => String(castTyped(item, [...path, "__join__", i]))).join("");
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, castTyped(v, [...path, k])]));
}

/** A duration as written in YAML (seconds, or a cast timedelta) in seconds. */
export function toDuration(value: unknown): number {
  if (value instanceof Timedelta) return value.seconds;
  if (typeof value === "number") return value;
  throw new TypeError(`expected seconds or a datetime.timedelta, got ${JSON.stringify(value)}`);
}
