import { evaluateTriggerRule } from "../semantics/trigger-rule.ts";
import type { Queryable } from "../store/database.ts";
import { getDagRun } from "../store/queries/dag-runs.ts";
import { getPoolUsage } from "../store/queries/pool-slots.ts";
import type { TaskInstanceRow } from "../store/queries/task-instances.ts";
import { taskStateCounts } from "../store/queries/upstream-states.ts";
import type { SerializedDag } from "../serialization.ts";

export interface FailedDependency {
  name: string;
  reason: string;
}

const SCHEDULABLE = new Set<string | null>([null, "up_for_retry", "up_for_reschedule"]);

/**
 * Why a TI is not running now, as Airflow's "Task Instance Details" lists its failed dependencies: its own state, its
 * run's state, its pool, and its trigger rule over its upstream TIs (the same rule code the scheduler runs). Empty when
 * nothing holds it back. Checks the scheduler makes that need more context (depends_on_past, concurrency limits,
 * retry and reschedule times) are not listed.
 */
export async function failedDependencies(db: Queryable, dag: SerializedDag, ti: TaskInstanceRow): Promise<FailedDependency[]> {
  const failed: FailedDependency[] = [];
  if (!SCHEDULABLE.has(ti.state)) {
    failed.push({ name: "Task Instance State", reason: `Task is in the '${ti.state}' state.` });
  }
  const run = await getDagRun(db, ti.dag_id, ti.run_id);
  if (run && run.state !== "running") {
    failed.push({ name: "Dagrun Running", reason: `Task instance's dagrun was not in the 'running' state but in the state '${run.state}'.` });
  }
  if (!(await getPoolUsage(db, ti.pool))) {
    failed.push({ name: "Pool Slots Available", reason: `Tasks using non-existent pool '${ti.pool}' will not be scheduled.` });
  }
  const task = dag.tasks.find((t) => t.task_id === ti.task_id);
  if (task && task.upstream_task_ids.length) {
    const states = await taskStateCounts(db, ti.dag_id, ti.run_id, task.upstream_task_ids);
    const n = (s: string) => states.get(s) ?? 0;
    const total = [...states.values()].reduce((a, b) => a + b, 0);
    const counts = { total, success: n("success"), skipped: n("skipped"), failed: n("failed"), upstreamFailed: n("upstream_failed"), removed: n("removed") };
    const decision = evaluateTriggerRule(task.trigger_rule, counts, { mapIndex: ti.map_index });
    if (decision.kind !== "run") {
      failed.push({
        name: "Trigger Rule",
        reason: `Task's trigger rule '${task.trigger_rule}' is not met by its ${total} upstream task instance(s): ` +
          `success=${counts.success}, skipped=${counts.skipped}, failed=${counts.failed}, upstream_failed=${counts.upstreamFailed}, ` +
          `removed=${counts.removed}, not finished=${total - counts.success - counts.skipped - counts.failed - counts.upstreamFailed - counts.removed}.`,
      });
    }
  }
  return failed;
}
