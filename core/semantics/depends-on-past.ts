import type { SerializedTask } from "../serialization.ts";

/**
 * What the depends_on_past check knows of the previous DagRun, the one Airflow 2.10 compares with: the latest run of the
 * DAG with an earlier logical date, in any state — of any type, or with `catchup` only a non-manual one
 * (`DagRun.get_previous_dagrun` / `get_previous_scheduled_dagrun`).
 */
export interface PreviousRunFacts {
  logicalDate: Date;
  /**
   * The TIs each task asked about has in that run (every map index together): how many, and how many are neither
   * `success` nor `skipped` — no state, running and removed all count as unsuccessful, as in Airflow.
   */
  tis: ReadonlyMap<string, { total: number; unsuccessful: number }>;
  /** Tasks with a TI in some run before the one being planned (asked only for those the previous run has no TI of). */
  ranBefore: ReadonlySet<string>;
}

/** The task's settings the check reads. */
export type PastDependentTask = Pick<
  SerializedTask,
  "task_id" | "depends_on_past" | "wait_for_downstream" | "ignore_first_depends_on_past" | "start_date" | "downstream_task_ids"
>;

export interface PastDependsDecision {
  met: boolean;
  reason: string;
}

/**
 * Airflow 2.10's PrevDagrunDep (airflow/ti_deps/deps/prev_dagrun_dep.py) for one TI, in its order of checks. The answer
 * is the same for every map index: Airflow counts all of the task's TIs in the previous run, whatever their index.
 * `dag.startDate` is the DAG's own, which Airflow gives a task without one (and uses when it is the later of the two).
 */
export function decidePastDepends(
  task: PastDependentTask,
  previous: PreviousRunFacts | null,
  dag: { catchup: boolean; startDate: Date | null },
): PastDependsDecision {
  if (!task.depends_on_past) return pass("the task does not depend on past runs");
  if (!previous) return pass("this is the first run of the DAG to compare with");
  const start = taskStartDate(task, dag.startDate);
  if (dag.catchup && start && previous.logicalDate < start) return pass("the previous run is before the task's start date");
  const own = previous.tis.get(task.task_id);
  if (!own || own.total === 0) {
    if (task.ignore_first_depends_on_past && !previous.ranBefore.has(task.task_id)) {
      return pass("ignore_first_depends_on_past is set and this is the task's first task instance");
    }
    return block(`depends_on_past is set, but "${task.task_id}" has no task instance in the previous run`);
  }
  if (own.unsuccessful > 0) {
    return block(`depends_on_past is set, but ${own.unsuccessful} task instance(s) of "${task.task_id}" in the previous run are neither success nor skipped`);
  }
  if (task.wait_for_downstream) {
    const waiting = task.downstream_task_ids.filter((id) => (previous.tis.get(id)?.unsuccessful ?? 0) > 0);
    if (waiting.length) return block(`wait_for_downstream is set, and ${waiting.map((id) => `"${id}"`).join(", ")} in the previous run ${waiting.length === 1 ? "has" : "have"} not succeeded or been skipped`);
  }
  return pass("the previous run's task instances succeeded or were skipped");
}

/** Airflow's `DAG.add_task`: a task starts at the later of its own start date and the DAG's. */
function taskStartDate(task: PastDependentTask, dagStart: Date | null): Date | null {
  const own = task.start_date ? new Date(task.start_date) : null;
  if (own && dagStart) return own > dagStart ? own : dagStart;
  return own ?? dagStart;
}

const pass = (reason: string): PastDependsDecision => ({ met: true, reason });
const block = (reason: string): PastDependsDecision => ({ met: false, reason });
