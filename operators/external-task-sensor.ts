import type { TaskContext } from "../core/context.ts";
import type { DagDependency } from "../core/dag-dependencies.ts";
import { durationToMs, isoformat, type Duration } from "../core/dates.ts";
import { judgeExternalStates, type ExternalStateRules } from "../core/external-states.ts";
import { FailTask, SkipTask } from "../core/errors.ts";
import { runtimeOf } from "../core/runtime.ts";
import { BaseSensorOperator, type SensorOptions } from "../core/sensor.ts";
import { DAG_RUN_STATES, TASK_STATES } from "../core/types.ts";
import { WorkflowTrigger } from "../triggers/external-task.ts";

export interface ExternalTaskSensorOptions extends SensorOptions {
  externalDagId: string;
  /** One task to wait for; or `externalTaskIds`, or `externalTaskGroupId`; none of them = the whole DAG run. */
  externalTaskId?: string | null;
  externalTaskIds?: readonly string[] | null;
  externalTaskGroupId?: string | null;
  /** Default ["success"]. TI states with task ids or a group, DAG run states otherwise. */
  allowedStates?: readonly string[];
  failedStates?: readonly string[];
  skippedStates?: readonly string[];
  /** Wait for the external run at this run's logical date minus this. */
  executionDelta?: Duration;
  /** Or compute the external logical date(s) from this run's. */
  executionDateFn?: (logicalDate: Date, context: TaskContext) => Date | readonly Date[];
  /** Fail at the first poke if the external DAG / task / group does not exist. */
  checkExistence?: boolean;
  /** Wait in the triggerer (WorkflowTrigger) instead of poking. */
  deferrable?: boolean;
  /** How often the deferred trigger checks. Default 2 s. */
  pollInterval?: Duration;
}

/**
 * Airflow's ExternalTaskSensor: waits for tasks (or a task group, or the whole run) of another DAG at the matching
 * logical date(s) to reach an allowed state; fails (or skips) when they reach a failed (or skipped) one. Reads the
 * states through the execution API.
 */
export class ExternalTaskSensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["externalDagId", "externalTaskId", "externalTaskIds", "externalTaskGroupId"];
  externalDagId: string;
  externalTaskId: string | null;
  externalTaskIds: readonly string[] | null;
  externalTaskGroupId: string | null;
  readonly rules: ExternalStateRules;
  readonly executionDeltaMs: number | null;
  readonly executionDateFn: ExternalTaskSensorOptions["executionDateFn"] | null;
  readonly checkExistence: boolean;
  deferrable: boolean;
  readonly pollIntervalSeconds: number;
  private existenceChecked = false;

  constructor(options: ExternalTaskSensorOptions) {
    super(options);
    const id = `ExternalTaskSensor "${options.taskId}"`;
    if (!options.externalDagId) throw new TypeError(`${id} needs externalDagId.`);
    if (options.externalTaskId != null && options.externalTaskIds != null) {
      throw new TypeError(`${id}: only one of externalTaskId or externalTaskIds may be provided, not both.`);
    }
    if (options.externalTaskGroupId != null && (options.externalTaskId != null || options.externalTaskIds != null)) {
      throw new TypeError(`${id}: externalTaskGroupId cannot be combined with externalTaskId or externalTaskIds.`);
    }
    if (options.executionDelta !== undefined && options.executionDateFn !== undefined) {
      throw new TypeError(`${id}: only one of executionDelta or executionDateFn may be provided, not both.`);
    }
    this.externalDagId = options.externalDagId;
    this.externalTaskId = options.externalTaskId ?? null;
    this.externalTaskIds = options.externalTaskIds ?? (this.externalTaskId ? [this.externalTaskId] : null);
    if (this.externalTaskIds && new Set(this.externalTaskIds).size !== this.externalTaskIds.length) {
      throw new TypeError(`${id}: duplicate task ids in externalTaskIds.`);
    }
    this.externalTaskGroupId = options.externalTaskGroupId ?? null;
    this.rules = { allowedStates: options.allowedStates ?? ["success"], failedStates: options.failedStates ?? [], skippedStates: options.skippedStates ?? [] };
    const all = [...this.rules.allowedStates, ...this.rules.failedStates, ...this.rules.skippedStates];
    if (new Set(all).size !== all.length) throw new TypeError(`${id}: duplicate values across allowedStates, failedStates and skippedStates.`);
    const targetsTasks = this.externalTaskIds !== null || this.externalTaskGroupId !== null;
    const valid = new Set<string>((Object.values(targetsTasks ? TASK_STATES : DAG_RUN_STATES) as Array<string | null>).filter((s): s is string => s !== null));
    const invalid = all.filter((s) => !valid.has(s));
    if (invalid.length) {
      throw new TypeError(`${id}: ${invalid.join(", ")} ${invalid.length > 1 ? "are not" : "is not a"} valid ${targetsTasks ? "task instance" : "DAG run"} state${invalid.length > 1 ? "s" : ""}; use ${[...valid].join(", ")}.`);
    }
    this.executionDeltaMs = options.executionDelta === undefined ? null : durationToMs(options.executionDelta, `${id} executionDelta`);
    this.executionDateFn = options.executionDateFn ?? null;
    this.checkExistence = options.checkExistence ?? false;
    this.deferrable = options.deferrable ?? false;
    this.pollIntervalSeconds = durationToMs(options.pollInterval ?? 2, `${id} pollInterval`) / 1000;
  }

  dagDependency(dagId: string): DagDependency {
    return { source: this.externalDagId, target: dagId, dependency_type: "sensor", dependency_id: this.taskId };
  }

  /** Airflow's `_get_dttm_filter`: the external logical dates to check. */
  logicalDates(context: TaskContext): Date[] {
    if (this.executionDeltaMs !== null) return [new Date(context.logicalDate.getTime() - this.executionDeltaMs)];
    if (this.executionDateFn) {
      const result = this.executionDateFn(context.logicalDate, context);
      return (Array.isArray(result) ? result : [result]).map((d) => new Date(d as Date));
    }
    return [context.logicalDate];
  }

  private what(): string {
    if (this.externalTaskGroupId) return `task group ${this.externalTaskGroupId} of DAG ${this.externalDagId}`;
    if (this.externalTaskIds) return `tasks ${JSON.stringify(this.externalTaskIds)} of DAG ${this.externalDagId}`;
    return `DAG ${this.externalDagId}`;
  }

  override async poke(context: TaskContext): Promise<boolean> {
    const dates = this.logicalDates(context);
    context.log.info(`Poking for ${this.what()} on ${dates.map(isoformat).join(", ")} ...`);
    const runtime = runtimeOf(context);
    if (!runtime.externalStates) throw new FailTask("This runtime cannot read other DAGs' states.");
    const found = await runtime.externalStates({
      dagId: this.externalDagId, taskIds: this.externalTaskIds, taskGroupId: this.externalTaskGroupId, logicalDates: dates,
      checkExistence: this.checkExistence && !this.existenceChecked,
    });
    this.existenceChecked = true;
    const verdict = judgeExternalStates(found, dates.length, this.rules);
    if (verdict === "failed") {
      const message = this.externalTaskGroupId
        ? `The external task_group '${this.externalTaskGroupId}' in DAG '${this.externalDagId}' failed.`
        : this.externalTaskIds
          ? `Some of the external tasks ${JSON.stringify(this.externalTaskIds)} in DAG ${this.externalDagId} failed.`
          : `The external DAG ${this.externalDagId} failed.`;
      if (this.softFail) throw new SkipTask(`${message} Skipping due to soft_fail.`);
      throw new Error(message);
    }
    if (verdict === "skipped") throw new SkipTask(`Some of the external targets (${this.what()}) reached a state in our states-to-skip-on list. Skipping.`);
    return verdict === "success";
  }

  override async execute(context: TaskContext): Promise<unknown> {
    if (!this.deferrable) return super.execute(context);
    this.defer({
      trigger: new WorkflowTrigger({
        externalDagId: this.externalDagId, logicalDates: this.logicalDates(context), externalTaskIds: this.externalTaskIds,
        externalTaskGroupId: this.externalTaskGroupId, ...this.rules, pokeInterval: this.pollIntervalSeconds,
      }),
      methodName: "executeComplete",
      timeout: this.executionTimeoutSeconds ?? this.timeoutSeconds,
    });
  }

  executeComplete(context: TaskContext, event: { status?: string } | null): null {
    if (event?.status === "success") {
      context.log.info(`External tasks ${this.what()} have executed successfully.`);
      return null;
    }
    if (event?.status === "skipped") throw new SkipTask("External job has skipped skipping.");
    const message = "Error occurred while trying to retrieve task status. Please, check the name of executed task and Dag.";
    if (this.softFail) throw new SkipTask(message);
    throw new Error(`${message} (external ${this.what()} ${event?.status ?? "unknown"})`);
  }
}
