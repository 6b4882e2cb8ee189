import { DAG_RUN_STATES, TASK_STATES, type DagRunState, type TaskState, type TaskStateName } from "../types.ts";

/** A TaskInstance state as a record key: `"none"` stands for no state (null). */
export type TaskStateKey = TaskStateName | "none";

/** Who may move a TI or run from some states to others, and why. */
export interface TransitionRule<S extends string> {
  readonly from: readonly S[];
  readonly to: readonly S[];
  readonly by: string;
}

export function taskStateKey(state: TaskState): TaskStateKey {
  return state ?? "none";
}

const ALL: readonly TaskStateKey[] = Object.values(TASK_STATES).map(taskStateKey);
const UNFINISHED: readonly TaskStateKey[] = [
  "none", "scheduled", "queued", "running", "restarting", "up_for_retry", "up_for_reschedule", "deferred",
];
const SCHEDULABLE: readonly TaskStateKey[] = ["none", "up_for_retry", "up_for_reschedule"];

/** Airflow 2.10's TI transitions (reference §1.3), by actor. */
export const TASK_TRANSITION_RULES: readonly TransitionRule<TaskStateKey>[] = Object.freeze([
  { from: SCHEDULABLE, to: ["scheduled"], by: "scheduler: every dependency is met (try_number + 1 unless resuming a reschedule)" },
  { from: SCHEDULABLE, to: ["success"], by: "scheduler: an EmptyOperator without callbacks or outlets never reaches an executor" },
  { from: SCHEDULABLE, to: ["deferred"], by: "scheduler: an operator with start_from_trigger goes straight to the triggerer" },
  { from: SCHEDULABLE, to: ["upstream_failed", "skipped", "removed"], by: "scheduler: trigger rule, or the mapping expanded to nothing / can never be resolved" },
  { from: ["scheduled"], to: ["queued"], by: "scheduler critical section: pool, concurrency and executor slots allow it" },
  { from: ["scheduled"], to: ["running"], by: "in-process test runner (dag.test): runs scheduled TIs without an executor" },
  { from: ["queued"], to: ["running"], by: "runner: pre-execution checks passed" },
  { from: ["queued"], to: ["none"], by: "runner: pool or concurrency limit hit at start; or the run finished before the TI was sent" },
  { from: ["queued"], to: ["failed", "up_for_retry"], by: "scheduler: the executor ended the try while the TI was still queued, or it sat queued past task_queued_timeout" },
  { from: ["running"], to: ["success", "skipped", "failed", "up_for_retry", "up_for_reschedule", "deferred"], by: "runner: outcome of the try" },
  { from: ["running"], to: ["failed", "up_for_retry"], by: "DAG processor: zombie (runner stopped heartbeating)" },
  { from: ["running"], to: ["restarting"], by: "user clears a running TI" },
  { from: ["restarting"], to: ["up_for_retry", "failed"], by: "runner killed after the clear: restarting always retries unless the failure is forced" },
  { from: ["queued", "running", "restarting"], to: ["none"], by: "scheduler: TI of a dead scheduler that no executor adopted" },
  { from: ["deferred"], to: ["scheduled"], by: "triggerer event, or trigger timeout (resumes the same try)" },
  { from: ["deferred"], to: ["success", "failed", "skipped"], by: "triggerer: the trigger yielded a task-finishing event" },
  { from: UNFINISHED, to: ["skipped"], by: "upstream branch / short-circuit; dagrun_timeout; run set failed; fail_stop" },
  { from: ["running", "deferred", "up_for_reschedule"], to: ["failed"], by: "run set failed by a user; fail_stop fails running TIs" },
  { from: ALL.filter((s) => s !== "running"), to: ["none"], by: "user clears the TI (max_tries = try_number + retries)" },
  { from: ALL, to: ["removed"], by: "verify_integrity: task left the DAG, or map index beyond the new expansion length" },
  { from: ALL, to: ["success", "failed", "skipped"], by: "user marks the TI (UI, REST PATCH taskInstance)" },
]);

/** Airflow 2.10's DagRun transitions (reference §1.2–1.3). Backfill creates runs directly `running`. */
export const DAG_RUN_TRANSITION_RULES: readonly TransitionRule<DagRunState>[] = Object.freeze([
  { from: ["queued"], to: ["running"], by: "scheduler: the DAG has fewer running runs than max_active_runs" },
  { from: ["running"], to: ["success", "failed"], by: "scheduler: update_state, or dagrun_timeout (failed)" },
  { from: ["success", "failed"], to: ["queued"], by: "user clears the run (or some of its TIs)" },
  { from: Object.values(DAG_RUN_STATES), to: ["success", "failed", "queued"], by: "user sets the run's state (UI, REST PATCH dagRun)" },
]);

function table<S extends string>(states: readonly S[], rules: readonly TransitionRule<S>[]): Readonly<Record<S, readonly S[]>> {
  const targets = new Map<S, Set<S>>(states.map((s) => [s, new Set<S>()]));
  for (const rule of rules) {
    for (const from of rule.from) {
      for (const to of rule.to) if (to !== from) targets.get(from)!.add(to);
    }
  }
  const entries = states.map((s) => [s, Object.freeze(states.filter((to) => targets.get(s)!.has(to)))] as const);
  return Object.freeze(Object.fromEntries(entries) as Record<S, readonly S[]>);
}

export const ALLOWED_TASK_TRANSITIONS: Readonly<Record<TaskStateKey, readonly TaskStateKey[]>> = table(ALL, TASK_TRANSITION_RULES);
export const ALLOWED_DAG_RUN_TRANSITIONS: Readonly<Record<DagRunState, readonly DagRunState[]>> = table(
  Object.values(DAG_RUN_STATES),
  DAG_RUN_TRANSITION_RULES,
);

/** Whether some actor in Airflow moves a TI from `from` to `to`. Staying in the same state is not a transition. */
export function canTransition(from: TaskState, to: TaskState): boolean {
  return ALLOWED_TASK_TRANSITIONS[taskStateKey(from)]?.includes(taskStateKey(to)) ?? false;
}

export function canTransitionDagRun(from: DagRunState, to: DagRunState): boolean {
  return ALLOWED_DAG_RUN_TRANSITIONS[from]?.includes(to) ?? false;
}
