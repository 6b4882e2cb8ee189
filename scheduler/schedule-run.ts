import { planRun, type PlanEnvironment, type RunPlan, type TiSnapshot } from "../core/scheduling/plan-run.ts";
import type { SerializedDag } from "../core/serialization.ts";
import type { Queryable } from "../core/store/database.ts";
import { finishDagRun, type DagRunRow } from "../core/store/queries/dag-runs.ts";
import { applyStateChanges, expandMappedTask, markSchedulable, runSnapshot } from "../core/store/queries/task-instances.ts";
import { mapLengths } from "../core/store/queries/xcom.ts";
import { dagFacts } from "./dag-facts.ts";
import { pastDependsCheck } from "./past-dependencies.ts";

export interface RunDecision {
  /** TIs moved to `scheduled` (ready to queue). */
  scheduled: number;
  /** No-op tasks finished in this pass, so their downstream may be ready: examine the run again. */
  again: boolean;
  /** The run's final state, when this pass finished it. */
  finished: "success" | "failed" | null;
  reason: string | null;
  wakeAt: Date | null;
  /** The run's TIs after this pass, or null when a guarded write missed (another actor moved a TI): read it again. */
  snapshot: TiSnapshot[] | null;
}

/** What the scheduler already knows of the run: its TIs, and optionally the plan it made from them. */
export interface KnownRunState {
  snapshot: TiSnapshot[];
  plan?: RunPlan;
}

/**
 * One scheduling pass over one running DagRun, inside the caller's transaction: plan with the core semantics, then
 * apply the plan with guarded updates (a TI another actor moved meanwhile is left alone and re-planned next pass).
 * With `known` TI states the pass reads nothing first; a run is still only finished from a fresh snapshot.
 */
export async function scheduleRun(tx: Queryable, run: DagRunRow, dag: SerializedDag, now: Date, known?: KnownRunState): Promise<RunDecision> {
  const sources = mappingSources(dag);
  let snapshot = known?.snapshot;
  let plan = known?.plan;
  let guardsHeld = true;
  let pastDepends: ReturnType<typeof pastDependsCheck> | undefined;
  // Expanding a mapped task creates TIs that may be ready at once: plan again until nothing expands.
  for (let pass = 0; ; pass++) {
    if (!snapshot || !plan) {
      const [fresh, lengths, pastDependsMet] = await Promise.all([
        snapshot ? Promise.resolve(snapshot) : runSnapshot(tx, run.dag_id, run.run_id),
        mapLengths(tx, run.dag_id, run.run_id, sources),
        (pastDepends ??= pastDependsCheck(tx, dag, run.logical_date)),
      ]);
      snapshot = fresh;
      plan = planRun(dag, snapshot, { ...planEnvironment(now, lengths), pastDependsMet });
    }
    if (known && plan.runState.state !== "running") {
      // Known states may lag behind the database: decide the end of a run only on what the database holds.
      known = undefined;
      snapshot = plan = undefined;
      continue;
    }
    const changed = await applyStateChanges(tx, run.dag_id, run.run_id, plan.changes);
    if (changed !== plan.changes.length) guardsHeld = false;
    for (const expansion of plan.expansions) {
      if (!(await expandMappedTask(tx, run.dag_id, run.run_id, expansion.taskId, expansion.length))) guardsHeld = false;
    }
    if (plan.expansions.length === 0 || pass > 20) break;
    snapshot = plan = undefined;
  }
  const scheduled = await markSchedulable(tx, run.dag_id, run.run_id, plan.schedulable);
  if (scheduled !== plan.schedulable.length) guardsHeld = false;
  let finished: RunDecision["finished"] = null;
  let reason: string | null = null;
  if (plan.runState.state !== "running" && (await finishDagRun(tx, run.id, plan.runState.state))) {
    finished = plan.runState.state;
    reason = plan.runState.reason;
  }
  const noops = plan.schedulable.filter((s) => s.noop).length;
  return {
    scheduled: scheduled - noops,
    again: noops > 0,
    finished,
    reason,
    wakeAt: plan.wakeAt,
    // After 20 rounds of expansion the last plan's own expansions are not in its snapshot: read the run again.
    snapshot: guardsHeld && !plan.expansions.length ? statesAfter(snapshot, plan) : null,
  };
}

/** The plan's environment over map lengths read from the database. */
export function planEnvironment(now: Date, lengths: ReadonlyMap<string, number | null>): PlanEnvironment {
  return { now, mapLength: (taskId, key) => lengths.get(`${taskId}\u0000${key}`) ?? null };
}

/** True when nothing in the plan needs writing: the run waits for its in-flight TIs (or a retry's date). */
export function planIsIdle(plan: RunPlan): boolean {
  return !plan.changes.length && !plan.expansions.length && !plan.schedulable.length && plan.runState.state === "running";
}

/**
 * True when the run cannot be planned from known TI states alone: a mapped task's placeholder waits to be expanded
 * (its length comes from the database), or a task depends on the previous run (depends_on_past, wait_for_downstream).
 */
export function needsDatabaseToPlan(dag: SerializedDag, snapshot: readonly TiSnapshot[]): boolean {
  const { dependsOnPast, mappedTaskIds: mapped } = dagFacts(dag);
  if (dependsOnPast) return true;
  if (!mapped.size) return false;
  return snapshot.some((ti) => ti.mapIndex < 0 && mapped.has(ti.taskId) && (ti.state === null || ti.state === "up_for_retry" || ti.state === "up_for_reschedule"));
}

/** The run's TIs once the plan's writes are applied (all of them held their guards). */
function statesAfter(snapshot: readonly TiSnapshot[], plan: RunPlan): TiSnapshot[] {
  const key = (taskId: string, mapIndex: number) => `${taskId}\u0000${mapIndex}`;
  const after = new Map(snapshot.map((ti) => [key(ti.taskId, ti.mapIndex), { ...ti }]));
  for (const change of plan.changes) {
    const ti = after.get(key(change.taskId, change.mapIndex));
    if (ti) ti.state = change.state;
  }
  for (const item of plan.schedulable) {
    const ti = after.get(key(item.taskId, item.mapIndex));
    if (ti) ti.state = item.noop ? "success" : "scheduled";
  }
  return [...after.values()];
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
