/** Run ids as Airflow builds them: `<run type>__<logical date isoformat>`, e.g. `scheduled__2024-01-01T00:00:00+00:00`. */
import { isoformat } from "../dates.ts";
import { DAG_RUN_TYPES, type DagRunType } from "../types.ts";

export function runIdFor(runType: DagRunType, logicalDate: Date): string {
  return `${runType}__${isoformat(logicalDate)}`;
}

/** Airflow's `DagRunType.from_run_id`: the type whose prefix the id carries; any other id is a manual run's. */
export function runTypeFromRunId(runId: string): DagRunType {
  for (const runType of Object.values(DAG_RUN_TYPES)) {
    if (runId.startsWith(`${runType}__`)) return runType;
  }
  return DAG_RUN_TYPES.MANUAL;
}
