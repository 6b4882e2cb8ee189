import { FAILED_LIKE_TASK_STATES, SUCCESS_LIKE_TASK_STATES, UNFINISHED_TASK_STATES, type TaskState } from "../types.ts";

export interface RunStateInput {
  tis: ReadonlyArray<{ taskId: string; mapIndex: number; state: TaskState }>;
  /** Tasks with no downstream (teardowns without on_failure_fail_dagrun already discounted by the caller). */
  leafTaskIds: ReadonlySet<string>;
  /** true when this pass found nothing schedulable and changed nothing, and a re-check ignoring retry/reschedule waits found nothing runnable */
  deadlocked: boolean;
  /** Airflow disables deadlock detection when any unfinished TI's task has depends_on_past / max_active_tis_per_dag(run), or any TI is deferred */
  deadlockCheckDisabled: boolean;
}

export type RunStateDecision =
  | { state: "running" }
  | { state: "success"; reason: "success" }
  | { state: "failed"; reason: "task_failure" | "all_tasks_deadlocked" };

/**
 * Airflow 2.10 `DagRun.update_state`: a run finishes only once no TI is unfinished, and then only its leaves decide.
 * A failed task upstream of an `all_done` leaf that succeeded does not fail the run.
 */
export function decideDagRunState(input: RunStateInput): RunStateDecision {
  const anyUnfinished = input.tis.some((ti) => UNFINISHED_TASK_STATES.has(ti.state));
  if (!anyUnfinished) {
    const leaves = input.tis.filter((ti) => ti.state !== "removed" && input.leafTaskIds.has(ti.taskId));
    if (leaves.some((ti) => FAILED_LIKE_TASK_STATES.has(ti.state))) return { state: "failed", reason: "task_failure" };
    if (leaves.every((ti) => SUCCESS_LIKE_TASK_STATES.has(ti.state))) return { state: "success", reason: "success" };
    return { state: "running" };
  }
  if (input.deadlocked && !input.deadlockCheckDisabled) return { state: "failed", reason: "all_tasks_deadlocked" };
  return { state: "running" };
}
