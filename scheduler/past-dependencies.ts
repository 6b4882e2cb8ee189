import type { PlanEnvironment } from "../core/scheduling/plan-run.ts";
import { decidePastDepends } from "../core/semantics/depends-on-past.ts";
import type { SerializedDag } from "../core/serialization.ts";
import type { Queryable } from "../core/store/database.ts";
import { previousRunStates } from "../core/store/queries/previous-run-states.ts";
import { dagFacts } from "./dag-facts.ts";

/** True when a task of the DAG waits for the previous run (depends_on_past, which wait_for_downstream implies). */
export function hasPastDependencies(dag: SerializedDag): boolean {
  return dagFacts(dag).dependsOnPast;
}

/**
 * The planner's depends_on_past / wait_for_downstream check for one pass over the run at `logicalDate`: the previous
 * run is read once, in one statement, and each task decided once. Undefined when no task depends on the past.
 */
export async function pastDependsCheck(db: Queryable, dag: SerializedDag, logicalDate: Date): Promise<PlanEnvironment["pastDependsMet"]> {
  const tasks = dag.tasks.filter((t) => t.depends_on_past);
  if (!tasks.length) return undefined;
  const counted = new Set(tasks.flatMap((t) => (t.wait_for_downstream ? [t.task_id, ...t.downstream_task_ids] : [t.task_id])));
  const previous = await previousRunStates(db, dag.dag_id, logicalDate, {
    scheduledOnly: dag.catchup,
    taskIds: [...counted],
    firstTaskIds: tasks.filter((t) => t.ignore_first_depends_on_past).map((t) => t.task_id),
  });
  const context = { catchup: dag.catchup, startDate: dag.start_date ? new Date(dag.start_date) : null };
  const met = new Map<string, boolean>();
  return (task) => {
    let answer = met.get(task.task_id);
    if (answer === undefined) met.set(task.task_id, (answer = decidePastDepends(task, previous, context).met));
    return answer;
  };
}
