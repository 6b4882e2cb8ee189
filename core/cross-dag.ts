import type { ExternalStates, ExternalStatesQuery } from "./deferral.ts";
import type { JsonObject } from "./types.ts";

/** What TriggerDagRunOperator asks for (execution API: POST /dag-runs/trigger). */
export interface TriggerDagRunCall {
  dagId: string;
  runId: string;
  logicalDate: Date;
  conf: JsonObject;
  resetDagRun: boolean;
  skipWhenAlreadyExists: boolean;
}

/** `created`, `reset` (an existing run was cleared to run again) or `exists` (skipWhenAlreadyExists). */
export interface TriggeredDagRun {
  outcome: "created" | "reset" | "exists";
  runId: string;
  logicalDate: Date;
}

/**
 * A task's reads and writes of other DAGs (ExternalTaskSensor, TriggerDagRunOperator). Runners reach them through the
 * execution API; `dags test` has no metadata database and says so (core/inprocess/memory-run.ts).
 */
export interface CrossDagBackend {
  externalStates(query: ExternalStatesQuery): Promise<ExternalStates>;
  dagRunStates(dagId: string, runIds: readonly string[]): Promise<Record<string, string | null>>;
  triggerDagRun(call: TriggerDagRunCall): Promise<TriggeredDagRun>;
}
