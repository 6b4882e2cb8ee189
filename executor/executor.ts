import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { TaskState } from "../core/types.ts";

/** One task-instance try handed to an executor: everything a runner needs to run it through the execution API. */
export interface Workload {
  key: TiKey;
  tryNumber: number;
  fileloc: string;
  queue: string;
  priorityWeight: number;
  /** Scoped to this try only. */
  token: string;
  /** Where the runner reaches the execution API. */
  apiUrl: string;
  /** Where the try's log file goes. */
  logPath: string;
  /**
   * Set when this workload runs a DAG's success/failure callbacks instead of a task: `key` and `tryNumber` are then the
   * run's last task instance, whose context Airflow gives DAG callbacks, and `id` the callback_request row.
   */
  callback?: DagCallbackRequest;
}

/** A DAG-level callback to run: which one, why the run ended, and what the context's `ti` shows of the last TI. */
export interface DagCallbackRequest {
  id: number;
  /** task_failed / task_retry: the on_failure / on_retry callbacks of a try failed from outside its runner (`key`, `tryNumber`). */
  kind: "dag_success" | "dag_failed" | "task_failed" | "task_retry" | "sla_miss";
  /** success, task_failure, all_tasks_deadlocked or timed_out; for task callbacks, why the try failed. */
  reason: string | null;
  ti: { maxTries: number; state: TaskState; startDate: string | null };
}

/** Something the executor saw happen to a workload's process (the TI's state itself is reported by the runner). */
export type ExecutorEvent =
  | { kind: "started"; workload: Workload }
  | { kind: "exited"; workload: Workload; ok: boolean; reason: string };

/**
 * Hands queued task instances to runners. An executor is one file: `local` (warm runner processes on this machine)
 * and, later, `bullmq` (workers on other machines).
 */
export interface Executor {
  readonly name: string;
  start(): Promise<void>;
  /** How many more workloads it can take now. */
  slotsAvailable(): number;
  queue(workload: Workload): void;
  onEvent(listener: (event: ExecutorEvent) => void): void;
  /** Stops the try on its runner (cleared, marked failed, timed out). */
  kill(key: TiKey, tryNumber: number): void;
  stop(): Promise<void>;
  /** What it holds now, for the executor metrics (observability/scrape-gauges.ts). */
  stats?(): ExecutorStats;
}

/** Airflow's executor.queued_tasks (taken but not yet on a runner), executor.running_tasks and executor.open_slots. */
export interface ExecutorStats {
  queued: number;
  running: number;
  openSlots: number;
}
