import type { SerializedDag } from "../serialization.ts";
import type { Queryable } from "../store/database.ts";
import { insertDagRun, type DagRunRow } from "../store/queries/dag-runs.ts";
import { createTaskInstances } from "../store/queries/task-instances.ts";
import { runIdFor } from "../timetables/index.ts";
import type { DagRunType, JsonObject } from "../types.ts";

export interface RunToCreate {
  runId?: string;
  runType: DagRunType;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf?: JsonObject;
  externalTrigger: boolean;
  note?: string | null;
  state?: "queued" | "running";
}

/** Creates a DagRun with its task instances in one transaction. Null when the run id or logical date is taken. */
export async function createDagRun(tx: Queryable, dag: SerializedDag, dagHash: string, spec: RunToCreate): Promise<DagRunRow | null> {
  const run = await insertDagRun(tx, {
    dagId: dag.dag_id,
    runId: spec.runId ?? runIdFor(spec.runType, spec.logicalDate),
    runType: spec.runType,
    logicalDate: spec.logicalDate,
    dataIntervalStart: spec.dataIntervalStart,
    dataIntervalEnd: spec.dataIntervalEnd,
    conf: spec.conf ?? {},
    externalTrigger: spec.externalTrigger,
    state: spec.state ?? "queued",
    dagHash,
    note: spec.note,
  });
  if (run) await createTaskInstances(tx, dag, run.run_id, spec.logicalDate, spec.runType === "backfill");
  return run;
}

