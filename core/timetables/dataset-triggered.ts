/**
 * DAGs scheduled on datasets (Airflow 2.4+, AIRFLOW_SEMANTICS.md §7): `schedule: [d1, d2]` runs once every listed dataset
 * was updated since the DAG's last dataset-triggered run; `allOf` / `anyOf` (Airflow's `&` / `|`) combine them; a
 * `DatasetOrTimeSchedule` also runs on a time timetable. The scheduler creates the runs (scheduler/dataset-runs.ts) from
 * the queue rows that successful producer tasks write (core/store/queries/dataset-events.ts).
 */
import { Dataset } from "../dataset.ts";
import type { DagRunInfo, DataInterval, SerializedDatasetCondition, SerializedTimetable, TimeRestriction, Timetable } from "./types.ts";

/** Datasets combined with and/or (Airflow's `DatasetAll` / `DatasetAny`); a plain list means all of them. */
export type DatasetCondition = Dataset | { op: "and" | "or"; items: DatasetCondition[] };

/** Airflow's `d1 & d2 & …`: a run once every one was updated. */
export function allOf(...items: DatasetCondition[]): DatasetCondition {
  return { op: "and", items };
}

/** Airflow's `d1 | d2 | …`: a run once any one was updated. */
export function anyOf(...items: DatasetCondition[]): DatasetCondition {
  return { op: "or", items };
}

export class DatasetTriggeredTimetable implements Timetable {
  readonly type = "dataset";
  readonly summary = "Dataset";
  readonly periodic = false;
  readonly canBeScheduled = false;

  constructor(readonly condition: DatasetCondition) {}

  nextDagrunInfo(): DagRunInfo | null {
    return null;
  }

  inferManualDataInterval(runAfter: Date): DataInterval {
    return { start: runAfter, end: runAfter };
  }

  serialize(): SerializedTimetable {
    return { type: "dataset", condition: serializeCondition(this.condition) };
  }
}

/** Airflow's `DatasetOrTimeSchedule`: the timetable's runs, and a dataset-triggered run whenever the condition holds. */
export class DatasetOrTimeSchedule implements Timetable {
  readonly type = "dataset_or_time";
  readonly periodic: boolean;
  readonly canBeScheduled: boolean;
  readonly summary: string;

  constructor(readonly timetable: Timetable, readonly condition: DatasetCondition) {
    this.periodic = timetable.periodic;
    this.canBeScheduled = timetable.canBeScheduled;
    this.summary = `Dataset or ${timetable.summary}`;
  }

  nextDagrunInfo(args: { lastAutomatedDataInterval: DataInterval | null; restriction: TimeRestriction; now: Date }): DagRunInfo | null {
    return this.timetable.nextDagrunInfo(args);
  }

  inferManualDataInterval(runAfter: Date): DataInterval {
    return this.timetable.inferManualDataInterval(runAfter);
  }

  serialize(): SerializedTimetable {
    return { type: "dataset_or_time", condition: serializeCondition(this.condition), timetable: this.timetable.serialize() };
  }
}

/** The URIs a condition mentions, in order. */
export function conditionUris(condition: DatasetCondition | SerializedDatasetCondition): string[] {
  return "op" in condition ? condition.items.flatMap(conditionUris) : [condition.uri];
}

/** Whether the condition holds when exactly the datasets in `updated` have queued updates. */
export function conditionHolds(condition: SerializedDatasetCondition, updated: ReadonlySet<string>): boolean {
  if (!("op" in condition)) return updated.has(condition.uri);
  return condition.op === "and" ? condition.items.every((c) => conditionHolds(c, updated)) : condition.items.some((c) => conditionHolds(c, updated));
}

/** A stored timetable's dataset condition, if it has one. */
export function storedCondition(timetable: SerializedTimetable): SerializedDatasetCondition | null {
  return timetable.type === "dataset" || timetable.type === "dataset_or_time" ? timetable.condition : null;
}

export function serializeCondition(condition: DatasetCondition): SerializedDatasetCondition {
  return condition instanceof Dataset ? { uri: condition.uri } : { op: condition.op, items: condition.items.map(serializeCondition) };
}

export function deserializeCondition(condition: SerializedDatasetCondition): DatasetCondition {
  return "op" in condition ? { op: condition.op, items: condition.items.map(deserializeCondition) } : new Dataset(condition.uri);
}

/** A schedule given as datasets: one dataset, a list of them (all), or an allOf/anyOf condition. */
export function asDatasetCondition(schedule: unknown): DatasetCondition | null {
  if (schedule instanceof Dataset) return schedule;
  if (Array.isArray(schedule) && schedule.length > 0 && schedule.every((d) => d instanceof Dataset)) return { op: "and", items: schedule };
  if (isCondition(schedule)) return schedule;
  return null;
}

function isCondition(value: unknown): value is DatasetCondition {
  if (value instanceof Dataset) return true;
  const c = value as { op?: unknown; items?: unknown } | null;
  return typeof c === "object" && c !== null && (c.op === "and" || c.op === "or") && Array.isArray(c.items) && c.items.every(isCondition);
}
