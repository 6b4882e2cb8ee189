import type { DagRunView, TaskLogger } from "../context.ts";
import type { DAG } from "../dag.ts";
import { parseDate } from "../dates.ts";
import { configuredSecrets } from "../../secrets/in-process.ts";
import { buildTaskContext, executeTry, describeError, type TryRequest, type TryResult } from "../execution/execute-try.ts";
import { emitInProcessDagRunEvent } from "../../lineage/dag-run-events.ts";
import { resolveParams } from "../params.ts";
import { planRun } from "../scheduling/plan-run.ts";
import { serializeDag, type SerializedDag } from "../serialization.ts";
import { runIdFor } from "../timetables/index.ts";
import type { DagRunState, JsonObject, JsonValue, TaskState } from "../types.ts";
import { inProcessCrossDag } from "./cross-dag.ts";
import { runTriggerInline } from "./run-trigger-inline.ts";
import { MemoryRun, type SecretsSource, type TaskInstanceRecord } from "./memory-run.ts";

export interface InProcessRunOptions {
  logicalDate?: string | Date;
  conf?: JsonObject;
  runId?: string;
  /** How many tasks may run at once. Default 1: tasks run one after another, as `airflow dags test` does. */
  parallelism?: number;
  secrets?: SecretsSource;
  onStateChange?: (event: { taskId: string; mapIndex: number; state: TaskState; tryNumber: number; detail?: string }) => void;
  onLog?: (event: { taskId: string; mapIndex: number; level: "info" | "warn" | "error" | "debug"; message: string }) => void;
  /** Run only these tasks (and treat the others as already successful): `tasks test`. */
  onlyTaskIds?: ReadonlySet<string>;
}

export interface InProcessRunResult {
  dagId: string;
  runId: string;
  state: DagRunState;
  reason: string;
  logicalDate: Date;
  taskInstances: Array<TaskInstanceRecord & { durationMs: number | null }>;
  /** XComs by "task_id" (or "task_id[i]" for a mapped TI) and key. */
  xcoms: Record<string, Record<string, JsonValue>>;
}

/**
 * Runs one DagRun of `dag` inside this process, as `airflow dags test` does: the same planning (trigger rules,
 * skips, mapping, retries with their delays) and the same try execution as the scheduler and runners use.
 */
export async function runDagInProcess(dag: DAG, options: InProcessRunOptions = {}): Promise<InProcessRunResult> {
  const serialized = serializeDag(dag);
  const logicalDate = options.logicalDate === undefined ? new Date() : parseDate(options.logicalDate, "logical date");
  const conf = options.conf ?? {};
  resolveParams([dag.params], conf, `DAG "${dag.dagId}"`);
  const interval = dag.timetable.inferManualDataInterval(logicalDate);
  const runId = options.runId ?? runIdFor("manual", logicalDate);
  // As Airflow's `dag.test()`: a manual run id, but not externally triggered, so LatestOnlyOperator skips downstream
  // tasks of a run whose interval is not the latest.
  const dagRun: DagRunView = {
    dagId: dag.dagId, runId, runType: "manual", logicalDate, dataIntervalStart: interval.start, dataIntervalEnd: interval.end,
    externalTrigger: false, conf, state: "running", startDate: new Date(),
  };
  const run = new MemoryRun(serialized, options.secrets ?? configuredSecrets);
  const emit = (ti: TaskInstanceRecord, detail?: string) =>
    options.onStateChange?.({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state, tryNumber: ti.tryNumber, detail });
  run.onSkippedByTask = (ti) => emit(ti, "skipped by an upstream branch or short-circuit");
  if (options.onlyTaskIds) markOthersSucceeded(run, serialized, options.onlyTaskIds);

  const parallelism = Math.max(1, options.parallelism ?? 1);
  const inFlight = new Map<string, Promise<void>>();
  emitInProcessDagRunEvent("START", dagRun);
  let final: { state: DagRunState; reason: string } | undefined;
  for (;;) {
    const plan = planRun(serialized, [...run.tis.values()], { now: new Date(), mapLength: (t, k) => run.mapLength(t, k) });
    for (const change of plan.changes) {
      run.applyChange(change);
      emit(run.ti(change.taskId, change.mapIndex), change.reason);
    }
    for (const expansion of plan.expansions) run.expand(expansion.taskId, expansion.length);
    if (plan.expansions.length) continue;
    if (plan.runState.state !== "running" && inFlight.size === 0) {
      final = { state: plan.runState.state, reason: plan.runState.reason };
      break;
    }
    for (const next of plan.schedulable) {
      if (inFlight.size >= parallelism) break;
      const ti = run.ti(next.taskId, next.mapIndex);
      const id = `${ti.taskId}[${ti.mapIndex}]`;
      if (inFlight.has(id)) continue;
      if (next.fromState !== "up_for_reschedule") ti.tryNumber += 1;
      if (next.noop) {
        ti.state = "success";
        ti.startDate = ti.endDate = new Date();
        emit(ti);
        continue;
      }
      ti.state = "running";
      if (next.fromState !== "up_for_reschedule" || !ti.startDate) ti.startDate = new Date();
      ti.endDate = null;
      run.clearXComs(ti.taskId, ti.mapIndex);
      emit(ti);
      inFlight.set(id, runOneTry(dag, run, ti, dagRun, options).then((result) => {
        applyResult(ti, result);
        emit(ti, "error" in result ? result.error : undefined);
        inFlight.delete(id);
      }));
    }
    if (inFlight.size > 0) {
      await Promise.race(inFlight.values());
    } else if (plan.schedulable.length === 0 && plan.wakeAt) {
      await sleepUntil(plan.wakeAt);
    } else if (plan.schedulable.length === 0) {
      // Nothing runnable, nothing running, nothing to wait for: the planner reports deadlock on the next pass.
      final = { state: plan.runState.state === "running" ? "failed" : plan.runState.state, reason: plan.runState.state === "running" ? "all_tasks_deadlocked" : plan.runState.reason };
      break;
    }
  }

  dagRun.state = final.state;
  emitInProcessDagRunEvent(final.state === "success" ? "COMPLETE" : "FAIL", dagRun, final.reason);
  await runDagCallbacks(dag, run, dagRun, final, options);
  return {
    dagId: dag.dagId,
    runId,
    state: final.state,
    reason: final.reason,
    logicalDate,
    taskInstances: [...run.tis.values()].map((ti) => ({
      ...ti,
      durationMs: ti.startDate && ti.endDate ? ti.endDate.getTime() - ti.startDate.getTime() : null,
    })),
    xcoms: Object.fromEntries(
      [...run.tis.values()].map((ti) => [ti.mapIndex >= 0 ? `${ti.taskId}[${ti.mapIndex}]` : ti.taskId, Object.fromEntries(run.xcomsOf(ti.taskId, ti.mapIndex))]),
    ),
  };
}

function tryRequest(dag: DAG, run: MemoryRun, ti: TaskInstanceRecord, dagRun: DagRunView, options: InProcessRunOptions): TryRequest {
  return {
    task: dag.getTask(ti.taskId),
    dagRun,
    mapIndex: ti.mapIndex,
    tryNumber: ti.tryNumber,
    maxTries: ti.maxTries,
    startDate: ti.startDate ?? new Date(),
    prevSuccess: null,
    prevExecutionDate: dagRun.logicalDate,
    nextExecutionDate: dagRun.logicalDate,
    expandedTiCount: ti.mapIndex >= 0 ? run.tisOf(ti.taskId).length : null,
    runtime: { ...run.runtimeFor(ti.taskId, ti.mapIndex), ...inProcessCrossDag((m) => taskLogger(ti, options).info(m)) },
    log: taskLogger(ti, options),
    testMode: true,
  };
}

async function runOneTry(dag: DAG, run: MemoryRun, ti: TaskInstanceRecord, dagRun: DagRunView, options: InProcessRunOptions): Promise<TryResult> {
  try {
    const request = tryRequest(dag, run, ti, dagRun, options);
    let result = await executeTry(request);
    // No triggerer here: a deferred try waits for its trigger inline, then resumes (same try number, XComs kept).
    while (result.state === "deferred") {
      options.onStateChange?.({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: "deferred", tryNumber: ti.tryNumber });
      const resume = await runTriggerInline(result.deferral, request.log, inProcessCrossDag((m) => request.log.info(m)));
      if ("end" in resume) {
        request.log.info(`The trigger ended the task: ${resume.end} (end_from_trigger)`);
        result = resume.end === "success" ? { state: "success", rendered: result.rendered, renderedMapIndex: result.renderedMapIndex }
          : resume.end === "skipped" ? { state: "skipped", reason: "ended by its trigger", rendered: result.rendered, renderedMapIndex: result.renderedMapIndex }
          : { state: "failed", error: "failed by its trigger", rendered: result.rendered, renderedMapIndex: result.renderedMapIndex };
        break;
      }
      result = await executeTry({ ...request, resume });
    }
    if (result.state === "success" && result.outletEvents) run.recordDatasetEvents(ti, dagRun.runId, result.outletEvents);
    return result;
  } catch (error) {
    return { state: "failed", error: describeError(error), rendered: {}, renderedMapIndex: null };
  }
}

function applyResult(ti: TaskInstanceRecord, result: TryResult): void {
  ti.state = result.state;
  ti.endDate = new Date();
  ti.rendered = result.rendered;
  ti.renderedMapIndex = result.renderedMapIndex;
  ti.error = "error" in result ? result.error : null;
  ti.nextRetryAt = result.state === "up_for_retry" ? result.nextRetryAt : null;
  ti.rescheduleAt = result.state === "up_for_reschedule" ? result.rescheduleAt : null;
}

function markOthersSucceeded(run: MemoryRun, dag: SerializedDag, only: ReadonlySet<string>): void {
  for (const task of dag.tasks) {
    if (only.has(task.task_id)) continue;
    for (const ti of run.tisOf(task.task_id)) {
      ti.state = "success";
    }
  }
}

function taskLogger(ti: TaskInstanceRecord, options: InProcessRunOptions): TaskLogger {
  const write = (level: "info" | "warn" | "error" | "debug") => (message: string, ...args: unknown[]) =>
    options.onLog?.({ taskId: ti.taskId, mapIndex: ti.mapIndex, level, message: args.length ? `${message} ${args.map(String).join(" ")}` : message });
  return { info: write("info"), warn: write("warn"), error: write("error"), debug: write("debug") };
}

/** Airflow: DAG callbacks get the context of the run's last TI in list order (removed ones excluded), plus `reason`. */
async function runDagCallbacks(
  dag: DAG,
  run: MemoryRun,
  dagRun: DagRunView,
  final: { state: DagRunState; reason: string },
  options: InProcessRunOptions,
): Promise<void> {
  const callbacks = final.state === "success" ? dag.onSuccessCallback : dag.onFailureCallback;
  const lastTi = [...run.tis.values()].filter((ti) => ti.state !== "removed").at(-1);
  if (!callbacks.length || !lastTi) return;
  const context = buildTaskContext(tryRequest(dag, run, lastTi, dagRun, options), new AbortController().signal);
  context.reason = final.reason;
  for (const callback of callbacks) {
    try {
      await callback(context);
    } catch (error) {
      options.onLog?.({ taskId: lastTi.taskId, mapIndex: lastTi.mapIndex, level: "error", message: `DAG ${final.state} callback failed: ${describeError(error)}` });
    }
  }
}

function sleepUntil(date: Date): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, date.getTime() - Date.now())));
}
