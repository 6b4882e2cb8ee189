import { planRun, type RunPlan } from "../core/scheduling/plan-run.ts";
import type { SerializedDag } from "../core/serialization.ts";
import type { Queryable } from "../core/store/database.ts";
import { finishDagRun, type DagRunRow } from "../core/store/queries/dag-runs.ts";
import { applyStateChanges, expandMappedTask, markSchedulable, runSnapshot } from "../core/store/queries/task-instances.ts";
import { mapLengths } from "../core/store/queries/xcom.ts";

export interface RunDecision {
  /** TIs moved to `scheduled` (ready to queue). */
  scheduled: number;
  /** No-op tasks finished in this pass, so their downstream may be ready: examine the run again. */
  again: boolean;
  /** The run's final state, when this pass finished it. */
  finished: "success" | "failed" | null;
  reason: string | null;
  wakeAt: Date | null;
}

/**
 * One scheduling pass over one running DagRun, inside the caller's transaction: plan with the core semantics, then
 * apply the plan with guarded updates (a TI another actor moved meanwhile is left alone and re-planned next pass).
 */
export async function scheduleRun(tx: Queryable, run: DagRunRow, dag: SerializedDag, now: Date): Promise<RunDecision> {
  const sources = mappingSources(dag);
  let plan: RunPlan;
  // Expanding a mapped task creates TIs that may be ready at once: plan again until nothing expands.
  for (let pass = 0; ; pass++) {
    const [snapshot, lengths] = await Promise.all([runSnapshot(tx, run.dag_id, run.run_id), mapLengths(tx, run.dag_id, run.run_id, sources)]);
    plan = planRun(dag, snapshot, { now, mapLength: (taskId, key) => lengths.get(`${taskId}\u0000${key}`) ?? null });
    await applyStateChanges(tx, run.dag_id, run.run_id, plan.changes);
    for (const expansion of plan.expansions) await expandMappedTask(tx, run.dag_id, run.run_id, expansion.taskId, expansion.length);
    if (plan.expansions.length === 0 || pass > 20) break;
  }
  const scheduled = await markSchedulable(tx, run.dag_id, run.run_id, plan.schedulable);
  let finished: RunDecision["finished"] = null;
  let reason: string | null = null;
  if (plan.runState.state !== "running" && (await finishDagRun(tx, run.id, plan.runState.state))) {
    finished = plan.runState.state;
    reason = plan.runState.reason;
  }
  const again = plan.schedulable.some((s) => s.noop);
  return { scheduled: again ? scheduled - plan.schedulable.filter((s) => s.noop).length : scheduled, again, finished, reason, wakeAt: plan.wakeAt };
}

function mappingSources(dag: SerializedDag): Array<{ taskId: string; key: string }> {
  const sources = new Map<string, { taskId: string; key: string }>();
  for (const task of dag.tasks) {
    const mapping = task.mapped;
    if (!mapping) continue;
    const refs = mapping.kind === "expand" ? mapping.args : [mapping.source];
    for (const ref of refs) if ("xcom" in ref) sources.set(`${ref.xcom.task_id}\u0000${ref.xcom.key}`, { taskId: ref.xcom.task_id, key: ref.xcom.key });
  }
  return [...sources.values()];
}
