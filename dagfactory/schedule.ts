import { Dataset } from "../core/dataset.ts";
import { DatasetOrTimeSchedule, DatasetTriggeredTimetable } from "../core/timetables/dataset-triggered.ts";
import type { ScheduleSpec, Timetable } from "../core/timetables/index.ts";
import { Combined, Timedelta } from "./cast.ts";
import { readDatasetsFile, toCondition } from "./datasets.ts";
import { ConfigProblem, type KeyPath } from "./issues.ts";
import { isMapping } from "./merge.ts";

/**
 * dag-factory's `schedule` forms → an Updraft schedule. Cron and presets pass through ("none", any case, is no
 * schedule); a timedelta is a fixed interval; a timetable object is used as is; a list of URIs, dataset objects,
 * `__and__`/`__or__` and Airflow 2's `{datasets: …, file?: …}` make a dataset-triggered DAG (see
 * core/timetables/dataset-triggered.ts); `{datasets, timetable}` is Airflow's DatasetOrTimeSchedule.
 */
export async function toSchedule(value: unknown, path: KeyPath, yamlFile: string, dependencies: Set<string>): Promise<ScheduleSpec> {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === "string") return value.trim().toLowerCase() === "none" ? null : value.trim();
  if (value instanceof Timedelta) return { seconds: value.seconds };
  if (value instanceof Dataset || value instanceof Combined || Array.isArray(value)) return new DatasetTriggeredTimetable(toCondition(value, path));
  if (isTimetable(value)) return value;
  if (isMapping(value) && "datasets" in value) {
    const byName = value.file ? await readDatasetsFile(yamlFile, String(value.file), [...path, "file"], dependencies) : undefined;
    const condition = toCondition(value.datasets, [...path, "datasets"], byName);
    if (value.timetable !== undefined) {
      if (!isTimetable(value.timetable)) throw new ConfigProblem([...path, "timetable"], "must be a {__type__: <timetable class>, …} object.");
      return new DatasetOrTimeSchedule(value.timetable, condition);
    }
    return new DatasetTriggeredTimetable(condition);
  }
  throw new ConfigProblem(path, "is not a schedule Updraft understands.", {
    expected: 'a cron expression or preset ("@daily"), "none", a list of dataset URIs, {datasets: …}, or a {__type__: …} timedelta or timetable',
  });
}

function isTimetable(value: unknown): value is Timetable {
  return typeof (value as Timetable | null)?.nextDagrunInfo === "function";
}
