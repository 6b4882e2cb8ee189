import type { ConnectionInfo, DagRunState, DagRunType, JsonObject, JsonValue, TaskState } from "./types.ts";
import type { InletEventAccessors, OutletEventAccessors } from "./dataset-event-accessors.ts";

/**
 * What a running task sees: Airflow's template context, camelCased for code. Templates see the same values under
 * Airflow's snake_case names (see core/templating). Values that need I/O (XCom, variables, connections) are async.
 */
export interface DagRunView {
  dagId: string;
  runId: string;
  runType: DagRunType;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  externalTrigger: boolean;
  conf: JsonObject;
  state: DagRunState;
  startDate: Date | null;
}

export interface TaskInstanceView {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  maxTries: number;
  state: TaskState;
  startDate: Date | null;
  /** Reads XCom; semantics of Airflow's `ti.xcom_pull`. */
  xcomPull<T = JsonValue>(args?: XComPullArgs): Promise<T | undefined>;
  /** Writes XCom under `key` for this TI. The value must be JSON. */
  xcomPush(key: string, value: unknown): Promise<void>;
}

export interface XComPullArgs {
  taskIds?: string | string[] | null;
  key?: string | null;
  mapIndexes?: number | number[] | null;
  dagId?: string;
  includePriorDates?: boolean;
  default?: unknown;
}

/** The previous successful run of the same DAG, if any. */
export interface PreviousSuccess {
  dataIntervalStart: Date | null;
  dataIntervalEnd: Date | null;
  startDate: Date | null;
  endDate: Date | null;
  logicalDate: Date | null;
}

/** A dataset event a dataset-triggered run consumed (Airflow's DatasetEvent, as `triggering_dataset_events` shows it). */
export interface DatasetEventView {
  uri: string;
  extra: JsonObject;
  timestamp: Date;
  sourceDagId: string | null;
  sourceTaskId: string | null;
  sourceRunId: string | null;
  sourceMapIndex: number | null;
}

export interface TaskContext {
  dag: { dagId: string; owner: string; tags: readonly string[]; timezone: string };
  task: { taskId: string; operator: string; retries: number; queue: string; pool: string };
  dagRun: DagRunView;
  ti: TaskInstanceView;
  runId: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  /** Schedule points before/after this run's (for a manual run both equal its logical date). */
  prevExecutionDate: Date | null;
  nextExecutionDate: Date | null;
  prevSuccess: PreviousSuccess | null;
  params: JsonObject;
  mapIndex: number;
  /** Number of mapped TIs of this task, or null when it is not mapped. */
  expandedTiCount: number | null;
  /** For a dataset-triggered run, the events it consumed, by dataset URI; empty otherwise. */
  triggeringDatasetEvents: Record<string, DatasetEventView[]>;
  /** Set the extra of the events this try's outlets record (Airflow's `outlet_events`). */
  outletEvents: OutletEventAccessors;
  /** Read the recorded events of the task's inlets (Airflow's `inlet_events`). */
  inletEvents: InletEventAccessors;
  testMode: boolean;
  variables: { get(key: string, defaultValue?: string): Promise<string | undefined>; getJson<T = JsonValue>(key: string, defaultValue?: T): Promise<T | undefined> };
  connections: { get(connId: string): Promise<ConnectionInfo> };
  /** Logger whose lines go to the try's log. */
  log: TaskLogger;
  /** Aborted when the try must stop (execution timeout, kill). Long-running code should pass it on. */
  signal: AbortSignal;
  /** Only in failure and retry callbacks. */
  exception?: unknown;
  /** Only in DAG-level callbacks: success, task_failure, all_tasks_deadlocked, timed_out. */
  reason?: string;
}

export interface TaskLogger {
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
}
