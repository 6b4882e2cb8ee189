import type { DatasetEventView, TaskContext, XComPullArgs } from "./context.ts";
import type { ConnectionInfo } from "./types.ts";
import type { BreakerBackend } from "../resilience/breaker-backend.ts";
import type { AlertBackend } from "../alerting/alert-api.ts";
import type { CrossDagBackend } from "./cross-dag.ts";

/**
 * How a running task reaches state. The in-process runner (`dags test`) implements it over memory; task runners
 * implement it over the execution API. Operators never see the store itself.
 */
export interface TaskRuntime {
  xcomPush(key: string, value: unknown): Promise<void>;
  xcomPull(args: XComPullArgs): Promise<unknown>;
  getVariable(key: string): Promise<string | undefined>;
  getConnection(connId: string): Promise<ConnectionInfo | undefined>;
  /**
   * Sets the unfinished TIs of these tasks in this run to skipped: all of them when `mapIndex` is -1, else only those
   * with that map index (Airflow's SkipMixin: a mapped TI never skips another index, nor an unmapped task).
   */
  skipTasks(taskIds: readonly string[], mapIndex: number): Promise<void>;
  /** Every recorded event of one dataset, oldest first (for `inlet_events`). */
  datasetEvents?(uri: string): Promise<DatasetEventView[]>;
  /** Hands one OpenLineage run event to Updraft's own lineage service (lineage/); absent where there is none (`dags test`). */
  sendLineageEvent?(event: object): Promise<void>;
  /** Circuit breakers' shared state (resilience/): optional, a runtime without it makes breakers fail open. */
  breakerAcquire?: BreakerBackend["breakerAcquire"];
  breakerRecord?: BreakerBackend["breakerRecord"];
  /** Alert routing's shared state (alerting/): optional, without it deduplication and escalation hold per process. */
  recordAlert?: AlertBackend["recordAlert"];
  resolveAlert?: AlertBackend["resolveAlert"];
  /** Other DAGs' states and triggering their runs (ExternalTaskSensor, TriggerDagRunOperator; core/cross-dag.ts). */
  externalStates?: CrossDagBackend["externalStates"];
  dagRunStates?: CrossDagBackend["dagRunStates"];
  triggerDagRun?: CrossDagBackend["triggerDagRun"];
}

const runtimes = new WeakMap<TaskContext, TaskRuntime>();

export function bindRuntime(context: TaskContext, runtime: TaskRuntime): void {
  runtimes.set(context, runtime);
}

export function runtimeOf(context: TaskContext): TaskRuntime {
  const runtime = runtimes.get(context);
  if (!runtime) throw new Error("This context is not bound to a running task instance.");
  return runtime;
}
