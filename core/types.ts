/**
 * Glossary. These words name files, tables, API fields and UI labels throughout Updraft.
 *
 * - DAG: a directed acyclic graph of tasks with a schedule. Identified by `dagId`.
 * - task: one node of a DAG, made by an operator (`BashOperator`, a TaskFlow `task()`, …). Identified by `taskId`.
 * - DagRun: one execution of a DAG for one logical date / data interval. Identified by (`dagId`, `runId`).
 * - TaskInstance (TI): one task inside one DagRun, one per map index for mapped tasks.
 *   Identified by (`dagId`, `runId`, `taskId`, `mapIndex`); `mapIndex` is -1 for unmapped tasks.
 * - try: one attempt at running a TaskInstance. `tryNumber` counts from 1; 0 means it never ran.
 * - XCom: a small JSON value a task publishes for others, keyed by (TI, key). A task's result is `return_value`.
 * - pool: a named number of slots that limits how many TIs using it run at once.
 * - dataset: a URI naming data; tasks produce dataset events, DAGs may be scheduled on them.
 * - timetable: turns a DAG's `schedule` into data intervals and logical dates.
 * - executor: hands queued TIs to runners. runner: the process that executes a task's code.
 * - trigger rule: the condition on upstream states that lets a TI run.
 *
 * States, trigger rules and weight rules are frozen objects with derived union types (strings as Airflow spells them),
 * shared by the semantics code, the store, the API and the UI.
 */

export const TASK_STATES = Object.freeze({
  NONE: null,
  SCHEDULED: "scheduled",
  QUEUED: "queued",
  RUNNING: "running",
  RESTARTING: "restarting",
  UP_FOR_RETRY: "up_for_retry",
  UP_FOR_RESCHEDULE: "up_for_reschedule",
  DEFERRED: "deferred",
  SUCCESS: "success",
  SKIPPED: "skipped",
  FAILED: "failed",
  UPSTREAM_FAILED: "upstream_failed",
  REMOVED: "removed",
} as const);

export type TaskState = (typeof TASK_STATES)[keyof typeof TASK_STATES];
export type TaskStateName = Exclude<TaskState, null>;

/** States after which a TI will not change again unless cleared. */
export const FINISHED_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  "success",
  "skipped",
  "failed",
  "upstream_failed",
  "removed",
]);
export const UNFINISHED_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  null,
  "scheduled",
  "queued",
  "running",
  "restarting",
  "up_for_retry",
  "up_for_reschedule",
  "deferred",
]);
export const SUCCESS_LIKE_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>(["success", "skipped"]);
export const FAILED_LIKE_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>(["failed", "upstream_failed"]);

export function isFinishedTaskState(state: TaskState): boolean {
  return FINISHED_TASK_STATES.has(state);
}

export const DAG_RUN_STATES = Object.freeze({
  QUEUED: "queued",
  RUNNING: "running",
  SUCCESS: "success",
  FAILED: "failed",
} as const);
export type DagRunState = (typeof DAG_RUN_STATES)[keyof typeof DAG_RUN_STATES];
export const FINISHED_DAG_RUN_STATES: ReadonlySet<DagRunState> = new Set<DagRunState>(["success", "failed"]);

export const DAG_RUN_TYPES = Object.freeze({
  MANUAL: "manual",
  SCHEDULED: "scheduled",
  BACKFILL: "backfill",
  DATASET_TRIGGERED: "dataset_triggered",
} as const);
export type DagRunType = (typeof DAG_RUN_TYPES)[keyof typeof DAG_RUN_TYPES];

export const TRIGGER_RULES = Object.freeze({
  ALL_SUCCESS: "all_success",
  ALL_FAILED: "all_failed",
  ALL_DONE: "all_done",
  ALL_DONE_SETUP_SUCCESS: "all_done_setup_success",
  ALL_SKIPPED: "all_skipped",
  ONE_SUCCESS: "one_success",
  ONE_FAILED: "one_failed",
  ONE_DONE: "one_done",
  NONE_FAILED: "none_failed",
  NONE_FAILED_MIN_ONE_SUCCESS: "none_failed_min_one_success",
  NONE_SKIPPED: "none_skipped",
  ALWAYS: "always",
} as const);
export type TriggerRule = (typeof TRIGGER_RULES)[keyof typeof TRIGGER_RULES];
export const ALL_TRIGGER_RULES: readonly TriggerRule[] = Object.values(TRIGGER_RULES);

/** Deprecated spellings Airflow rewrites at task creation. */
export const TRIGGER_RULE_ALIASES: Readonly<Record<string, TriggerRule>> = Object.freeze({
  dummy: "always",
  none_failed_or_skipped: "none_failed_min_one_success",
});

export const WEIGHT_RULES = Object.freeze({
  DOWNSTREAM: "downstream",
  UPSTREAM: "upstream",
  ABSOLUTE: "absolute",
} as const);
export type WeightRule = (typeof WEIGHT_RULES)[keyof typeof WEIGHT_RULES];

/** Airflow's defaults (core.* configuration) that the authoring API falls back to. */
export const DEFAULTS = Object.freeze({
  retries: 0,
  retryDelaySeconds: 300,
  maxTaskRetryDelaySeconds: 86_400,
  priorityWeight: 1,
  weightRule: "downstream" as WeightRule,
  pool: "default_pool",
  poolSlots: 1,
  queue: "default",
  triggerRule: "all_success" as TriggerRule,
  maxActiveRunsPerDag: 16,
  maxActiveTasksPerDag: 16,
  maxMapLength: 1024,
  defaultPoolSlots: 128,
  catchup: true,
});

export const RETURN_VALUE_KEY = "return_value";
export const SKIPMIXIN_KEY = "skipmixin_key";

/** Identifies one TaskInstance. */
export interface TaskInstanceKey {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
}

/** JSON values: what XCom, params and conf may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A connection to an external system, as Airflow models it. */
export interface ConnectionInfo {
  connId: string;
  connType: string;
  description?: string | null;
  host?: string | null;
  login?: string | null;
  password?: string | null;
  schema?: string | null;
  port?: number | null;
  extra?: JsonObject | null;
}
