import { setTimeout as sleep } from "node:timers/promises";
import { BaseOperator, type TaskOptions } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import type { DagDependency } from "../core/dag-dependencies.ts";
import { durationToSeconds, isoformat, parseDate, type Duration } from "../core/dates.ts";
import { SkipTask } from "../core/errors.ts";
import { runtimeOf } from "../core/runtime.ts";
import type { JsonObject } from "../core/types.ts";
import { DagStateTrigger } from "../triggers/external-task.ts";

export interface TriggerDagRunOperatorOptions extends TaskOptions {
  /** The DAG to trigger (templated). */
  triggerDagId: string;
  /** The new run's id (templated). Default `manual__<logical date>`. */
  triggerRunId?: string | null;
  /** The new run's conf (templated). */
  conf?: JsonObject | null;
  /** The new run's logical date (templated). Default now. */
  logicalDate?: string | Date | null;
  /** A run with that id or date exists: clear it to run again (its conf unchanged) instead of failing. */
  resetDagRun?: boolean;
  /** Wait until the triggered run is in one of allowedStates (success) or failedStates (failure). */
  waitForCompletion?: boolean;
  pokeInterval?: Duration;
  allowedStates?: readonly string[];
  failedStates?: readonly string[];
  /** Wait in the triggerer (DagStateTrigger) instead of in the runner. */
  deferrable?: boolean;
  /** A run with that id or date exists: end this task skipped. */
  skipWhenAlreadyExists?: boolean;
}

export const TRIGGER_RUN_ID_KEY = "trigger_run_id";
export const TRIGGER_LOGICAL_DATE_KEY = "trigger_logical_date_iso";

/**
 * Airflow's TriggerDagRunOperator: creates a run of another DAG (`manual`, external_trigger, queued) through the
 * execution API, pushes its id and logical date as XComs, and optionally waits for it to finish.
 */
export class TriggerDagRunOperator extends BaseOperator<null> {
  static override templateFields: readonly string[] = ["triggerDagId", "triggerRunId", "logicalDate", "conf"];
  triggerDagId: string;
  triggerRunId: string | null;
  conf: JsonObject | null;
  logicalDate: string | Date | null;
  readonly resetDagRun: boolean;
  readonly waitForCompletion: boolean;
  readonly pokeIntervalSeconds: number;
  readonly allowedStates: readonly string[];
  readonly failedStates: readonly string[];
  readonly deferrable: boolean;
  readonly skipWhenAlreadyExists: boolean;

  constructor(options: TriggerDagRunOperatorOptions) {
    super(options);
    if (typeof options.triggerDagId !== "string" || !options.triggerDagId) throw new TypeError(`TriggerDagRunOperator "${options.taskId}" needs triggerDagId.`);
    if (options.logicalDate != null && typeof options.logicalDate !== "string" && !(options.logicalDate instanceof Date)) {
      throw new TypeError(`TriggerDagRunOperator "${options.taskId}": expected a string or Date for logicalDate, got ${typeof options.logicalDate}.`);
    }
    this.triggerDagId = options.triggerDagId;
    this.triggerRunId = options.triggerRunId ?? null;
    this.conf = options.conf ?? null;
    this.logicalDate = options.logicalDate ?? null;
    this.resetDagRun = options.resetDagRun ?? false;
    this.waitForCompletion = options.waitForCompletion ?? false;
    this.pokeIntervalSeconds = durationToSeconds(options.pokeInterval ?? 60, "pokeInterval");
    this.allowedStates = options.allowedStates ?? ["success"];
    this.failedStates = options.failedStates ?? ["failed"];
    this.deferrable = options.deferrable ?? false;
    this.skipWhenAlreadyExists = options.skipWhenAlreadyExists ?? false;
  }

  dagDependency(dagId: string): DagDependency {
    return { source: dagId, target: this.triggerDagId, dependency_type: "trigger", dependency_id: this.taskId };
  }

  override async execute(context: TaskContext): Promise<null> {
    const logicalDate = this.logicalDate === null || this.logicalDate === "" ? new Date() : parseDate(this.logicalDate, "logicalDate");
    const runId = this.triggerRunId || `manual__${isoformat(logicalDate)}`;
    const conf = this.conf ?? {};
    if (typeof conf !== "object" || Array.isArray(conf)) throw new TypeError(`conf of "${this.taskId}" must be a JSON object.`);
    const runtime = runtimeOf(context);
    if (!runtime.triggerDagRun) throw new Error("This runtime cannot trigger DAG runs.");
    const run = await runtime.triggerDagRun({
      dagId: this.triggerDagId, runId, logicalDate, conf, resetDagRun: this.resetDagRun, skipWhenAlreadyExists: this.skipWhenAlreadyExists,
    });
    if (run.outcome === "exists") throw new SkipTask(`Dag run ${run.runId} of ${this.triggerDagId} already exists, skipping.`);
    context.log.info(run.outcome === "reset" ? `Cleared ${this.triggerDagId} run ${run.runId} to run again` : `Triggered ${this.triggerDagId} run ${run.runId}`);
    await context.ti.xcomPush(TRIGGER_RUN_ID_KEY, run.runId);
    await context.ti.xcomPush(TRIGGER_LOGICAL_DATE_KEY, isoformat(run.logicalDate));
    if (!this.waitForCompletion) return null;
    if (this.deferrable) {
      this.defer({
        trigger: new DagStateTrigger(this.triggerDagId, [run.runId], [...this.allowedStates, ...this.failedStates], this.pokeIntervalSeconds * 1000),
        methodName: "executeComplete",
      });
    }
    for (;;) {
      context.log.info(`Waiting for ${this.triggerDagId} on ${run.runId} to become allowed state ${JSON.stringify(this.allowedStates)} ...`);
      await sleep(this.pokeIntervalSeconds * 1000, undefined, { signal: context.signal });
      const state = (await runtime.dagRunStates!(this.triggerDagId, [run.runId]))[run.runId];
      if (this.checkState(context, state)) return null;
    }
  }

  /** Resumed from the DagStateTrigger: the run reached one of the watched states. */
  async executeComplete(context: TaskContext, event: { run_ids?: string[] } | null): Promise<null> {
    const runId = event?.run_ids?.[0] ?? ((await context.ti.xcomPull({ taskIds: this.taskId, key: TRIGGER_RUN_ID_KEY })) as string);
    const state = (await runtimeOf(context).dagRunStates!(this.triggerDagId, [runId]))[runId];
    if (this.checkState(context, state)) return null;
    throw new Error(`${this.triggerDagId} return ${state} which is not in ${JSON.stringify(this.failedStates)} or ${JSON.stringify(this.allowedStates)}`);
  }

  private checkState(context: TaskContext, state: string | null): boolean {
    if (state && this.failedStates.includes(state)) throw new Error(`${this.triggerDagId} failed with failed states ${state}`);
    if (state && this.allowedStates.includes(state)) {
      context.log.info(`${this.triggerDagId} finished with allowed state ${state}`);
      return true;
    }
    return false;
  }
}
