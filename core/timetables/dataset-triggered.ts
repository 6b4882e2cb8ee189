/**
 * A DAG scheduled on datasets (Airflow's `DatasetTriggeredTimetable`, summary "Dataset"). Updraft does not create
 * dataset-triggered runs yet (docs/roadmap.md): such a DAG is stored like `schedule: null` (runs only when triggered),
 * and keeps its condition here so the DAG file stays valid and the UI can say what it waits for.
 */
import type { Dataset } from "../dataset.ts";
import type { DagRunInfo, DataInterval, SerializedTimetable, Timetable } from "./types.ts";

/** Datasets combined with and/or (Airflow's `DatasetAll` / `DatasetAny`); a plain list means all of them. */
export type DatasetCondition = Dataset | { op: "and" | "or"; items: DatasetCondition[] };

export class DatasetTriggeredTimetable implements Timetable {
  readonly type = "null";
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
    return { type: "null" };
  }
}

/** The URIs a condition mentions, in order. */
export function conditionUris(condition: DatasetCondition): string[] {
  return "op" in condition ? condition.items.flatMap(conditionUris) : [condition.uri];
}
