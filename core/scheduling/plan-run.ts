import { decideDagRunState, type RunStateDecision } from "../semantics/dag-run-state.ts";
import { evaluateTriggerRule, type UpstreamCounts } from "../semantics/trigger-rule.ts";
import type { SerializedDag, SerializedMapSource, SerializedTask } from "../serialization.ts";
import { DEFAULTS, isFinishedTaskState, type TaskState } from "../types.ts";

/** What the planner needs to know of one task instance. */
export interface TiSnapshot {
  taskId: string;
  mapIndex: number;
  state: TaskState;
  /** When an `up_for_retry` TI may run again. */
  nextRetryAt?: Date | null;
  /** When an `up_for_reschedule` TI may poke again. */
  rescheduleAt?: Date | null;
}

export interface PlanEnvironment {
  now: Date;
  /**
   * How many items an upstream task produced for mapping: the length of an unmapped task's XCom, or for a mapped
   * task the number of its TIs that pushed one (once all finished). `null` when there is nothing to map over.
   */
  mapLength(taskId: string, key: string): number | null;
  /** depends_on_past / wait_for_downstream: may this TI run, given the previous run? Default: yes. */
  pastDependsMet?(task: SerializedTask, mapIndex: number): boolean;
}

export interface StateChange {
  taskId: string;
  mapIndex: number;
  from: TaskState;
  state: "skipped" | "upstream_failed" | "removed";
  reason: string;
}

export interface RunPlan {
  /** TIs the trigger rules finish without running them. */
  changes: StateChange[];
  /** Mapped tasks whose placeholder (map index -1) becomes map indexes 0..length-1. */
  expansions: Array<{ taskId: string; length: number }>;
  /** TIs whose dependencies are met, in scheduling order (priority weight descending, then map index). */
  schedulable: Array<{ taskId: string; mapIndex: number; noop: boolean; fromState: TaskState }>;
  /** The earliest time a TI waiting for its retry delay or reschedule date becomes runnable. */
  wakeAt: Date | null;
  runState: RunStateDecision;
}

const IN_FLIGHT: ReadonlySet<TaskState> = new Set<TaskState>(["scheduled", "queued", "running", "deferred", "restarting"]);
const WAITING_STATES: ReadonlySet<TaskState> = new Set<TaskState>([null, "up_for_retry", "up_for_reschedule"]);

/**
 * One scheduling decision for one DagRun, from the serialized DAG and a snapshot of its TIs: which TIs the trigger
 * rules finish (skip / upstream_failed), which mapped tasks expand, which TIs may run, and the run's state.
 * Pure: the in-process runner and the scheduler both apply its result to their store. Propagation is carried to a
 * fixpoint within one call (Airflow moves one level per scheduler pass; the end states are the same).
 */
export function planRun(dag: SerializedDag, snapshot: readonly TiSnapshot[], env: PlanEnvironment): RunPlan {
  const tasks = new Map(dag.tasks.map((t) => [t.task_id, t]));
  const byTask = new Map<string, TiSnapshot[]>();
  for (const ti of snapshot) {
    const copy = { ...ti };
    const list = byTask.get(ti.taskId);
    if (list) list.push(copy);
    else byTask.set(ti.taskId, [copy]);
  }
  const changes: StateChange[] = [];
  const expansions: RunPlan["expansions"] = [];
  const schedulable = new Map<string, { taskId: string; mapIndex: number; noop: boolean; fromState: TaskState; weight: number }>();
  let wakeAt: Date | null = null;

  const setState = (ti: TiSnapshot, state: StateChange["state"], reason: string) => {
    changes.push({ taskId: ti.taskId, mapIndex: ti.mapIndex, from: ti.state, state, reason });
    ti.state = state;
  };
  const expandPlaceholder = (task: SerializedTask, placeholder: TiSnapshot, tis: TiSnapshot[], length: number) => {
    if (length === 0) return setState(placeholder, "skipped", `"${task.task_id}" is mapped over an empty list`);
    if (length > DEFAULTS.maxMapLength) {
      return setState(placeholder, "upstream_failed", `"${task.task_id}" would expand to ${length} task instances; the limit is ${DEFAULTS.maxMapLength}`);
    }
    expansions.push({ taskId: task.task_id, length });
    tis.splice(tis.indexOf(placeholder), 1);
    for (let i = 0; i < length; i++) tis.push({ taskId: task.task_id, mapIndex: i, state: null });
  };

  let changed = true;
  while (changed) {
    changed = false;
    for (const task of dag.tasks) {
      const tis = byTask.get(task.task_id) ?? [];
      for (const ti of [...tis]) {
        const key = `${ti.taskId}\u0000${ti.mapIndex}`;
        if (!WAITING_STATES.has(ti.state) || schedulable.has(key)) continue;
        // A mapped task group's tasks expand as soon as the group's length is known, so each map index then
        // follows its own upstream index rather than the whole group.
        if (task.mapped_group_id && ti.mapIndex < 0) {
          const length = expansionLengthOf(task, env);
          if (length !== null) {
            expandPlaceholder(task, ti, tis, length);
            changed = true;
            continue;
          }
        }
        const decision = evaluateTriggerRule(task.trigger_rule, countUpstream(task, ti, byTask, tasks), { mapIndex: ti.mapIndex });
        if (decision.kind === "wait") continue;
        if (decision.kind === "set_state") {
          setState(ti, decision.state, decision.reason);
          changed = true;
          continue;
        }
        if (ti.state === "up_for_retry" && ti.nextRetryAt && ti.nextRetryAt > env.now) {
          wakeAt = earliest(wakeAt, ti.nextRetryAt);
          continue;
        }
        if (ti.state === "up_for_reschedule" && ti.rescheduleAt && ti.rescheduleAt > env.now) {
          wakeAt = earliest(wakeAt, ti.rescheduleAt);
          continue;
        }
        if (task.depends_on_past && env.pastDependsMet && !env.pastDependsMet(task, ti.mapIndex)) continue;
        if (task.mapped && ti.mapIndex < 0) {
          const length = expansionLengthOf(task, env);
          if (length === null) setState(ti, "upstream_failed", `the values to map "${task.task_id}" over were never produced`);
          else expandPlaceholder(task, ti, tis, length);
          changed = true;
          continue;
        }
        schedulable.set(key, {
          taskId: ti.taskId,
          mapIndex: ti.mapIndex,
          noop: task.is_noop,
          fromState: ti.state,
          weight: task.effective_priority_weight,
        });
      }
    }
  }

  const all = [...byTask.values()].flat();
  const anyInFlight = all.some((ti) => IN_FLIGHT.has(ti.state));
  const anyUnfinished = all.some((ti) => !isFinishedTaskState(ti.state));
  const deadlocked = anyUnfinished && schedulable.size === 0 && !anyInFlight && wakeAt === null;
  const deadlockCheckDisabled = all.some((ti) => {
    if (isFinishedTaskState(ti.state)) return false;
    const task = tasks.get(ti.taskId);
    return ti.state === "deferred" || !!task && (task.depends_on_past || task.max_active_tis_per_dag !== null || task.max_active_tis_per_dagrun !== null);
  });
  const leafTaskIds = new Set(dag.tasks.filter((t) => t.downstream_task_ids.length === 0).map((t) => t.task_id));
  const runState = decideDagRunState({
    tis: all.map((ti) => ({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state })),
    leafTaskIds,
    deadlocked,
    deadlockCheckDisabled,
  });
  const ordered = [...schedulable.values()].sort((a, b) => b.weight - a.weight || a.mapIndex - b.mapIndex);
  return {
    changes,
    expansions,
    schedulable: ordered.map(({ weight: _w, ...rest }) => rest),
    wakeAt,
    runState,
  };
}

/**
 * Counts finished upstream TIs for the trigger rule. Inside a mapped task group a TI depends only on the same map
 * index of upstream tasks of that group.
 */
function countUpstream(
  task: SerializedTask,
  ti: TiSnapshot,
  byTask: ReadonlyMap<string, TiSnapshot[]>,
  tasks: ReadonlyMap<string, SerializedTask>,
): UpstreamCounts {
  const counts: UpstreamCounts = { total: 0, success: 0, skipped: 0, failed: 0, upstreamFailed: 0, removed: 0 };
  for (const upstreamId of task.upstream_task_ids) {
    const sameGroup = task.mapped_group_id !== null && tasks.get(upstreamId)?.mapped_group_id === task.mapped_group_id && ti.mapIndex >= 0;
    for (const upstream of byTask.get(upstreamId) ?? []) {
      if (sameGroup && upstream.mapIndex >= 0 && upstream.mapIndex !== ti.mapIndex) continue;
      counts.total++;
      switch (upstream.state) {
        case "success":
          counts.success++;
          break;
        case "skipped":
          counts.skipped++;
          break;
        case "failed":
          counts.failed++;
          break;
        case "upstream_failed":
          counts.upstreamFailed++;
          break;
        case "removed":
          counts.removed++;
          break;
        default:
          break;
      }
    }
  }
  return counts;
}

function sourceLength(source: SerializedMapSource, env: PlanEnvironment): number | null {
  return "literal_length" in source ? source.literal_length : env.mapLength(source.xcom.task_id, source.xcom.key);
}

function expansionLengthOf(task: SerializedTask, env: PlanEnvironment): number | null {
  const mapping = task.mapped!;
  if (mapping.kind === "expand_kwargs") return sourceLength(mapping.source, env);
  let total = 1;
  for (const arg of mapping.args) {
    const length = sourceLength(arg, env);
    if (length === null) return null;
    total *= length;
  }
  return total;
}

function earliest(current: Date | null, candidate: Date): Date {
  return current === null || candidate < current ? candidate : current;
}
