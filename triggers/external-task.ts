import { durationToMs, type Duration } from "../core/dates.ts";
import { BaseTrigger, sleepUntil, TriggerEvent, type TriggerEnv } from "../core/deferral.ts";
import { judgeExternalStates } from "../core/external-states.ts";
import type { JsonObject } from "../core/types.ts";

export interface WorkflowTriggerOptions {
  externalDagId: string;
  logicalDates: readonly (Date | string)[];
  externalTaskIds?: readonly string[] | null;
  externalTaskGroupId?: string | null;
  allowedStates?: readonly string[];
  failedStates?: readonly string[];
  skippedStates?: readonly string[];
  pokeInterval?: Duration;
}

/**
 * Airflow's WorkflowTrigger (what a deferrable ExternalTaskSensor waits on): checks the external targets every
 * `pokeInterval` and fires `{status: "failed" | "skipped" | "success"}` by the sensor's rules.
 */
export class WorkflowTrigger extends BaseTrigger {
  static readonly classpath = "updraft.triggers.external_task.WorkflowTrigger";
  readonly classpath = WorkflowTrigger.classpath;
  readonly options: Required<Omit<WorkflowTriggerOptions, "pokeInterval" | "logicalDates">> & { logicalDates: Date[]; pokeIntervalMs: number };

  constructor(options: WorkflowTriggerOptions) {
    super();
    this.options = {
      externalDagId: options.externalDagId,
      logicalDates: options.logicalDates.map((d) => new Date(d)),
      externalTaskIds: options.externalTaskIds ?? null,
      externalTaskGroupId: options.externalTaskGroupId ?? null,
      allowedStates: options.allowedStates ?? ["success"],
      failedStates: options.failedStates ?? [],
      skippedStates: options.skippedStates ?? [],
      pokeIntervalMs: durationToMs(options.pokeInterval ?? 2, "WorkflowTrigger pokeInterval"),
    };
  }

  static fromKwargs(k: JsonObject): WorkflowTrigger {
    return new WorkflowTrigger({
      externalDagId: k.external_dag_id as string, logicalDates: k.logical_dates as string[], externalTaskIds: k.external_task_ids as string[] | null,
      externalTaskGroupId: k.external_task_group_id as string | null, allowedStates: k.allowed_states as string[], failedStates: k.failed_states as string[],
      skippedStates: k.skipped_states as string[], pokeInterval: k.poke_interval as number,
    });
  }

  serialize(): JsonObject {
    const o = this.options;
    return {
      external_dag_id: o.externalDagId, logical_dates: o.logicalDates.map((d) => d.toISOString()), external_task_ids: o.externalTaskIds ? [...o.externalTaskIds] : null,
      external_task_group_id: o.externalTaskGroupId, allowed_states: [...o.allowedStates], failed_states: [...o.failedStates],
      skipped_states: [...o.skippedStates], poke_interval: o.pokeIntervalMs / 1000,
    };
  }

  async *run(env: TriggerEnv): AsyncIterable<TriggerEvent> {
    const o = this.options;
    do {
      const found = await env.externalStates({ dagId: o.externalDagId, taskIds: o.externalTaskIds, taskGroupId: o.externalTaskGroupId, logicalDates: o.logicalDates });
      const verdict = judgeExternalStates(found, o.logicalDates.length, o);
      if (verdict !== "waiting") {
        yield new TriggerEvent({ status: verdict });
        return;
      }
    } while (await sleepUntil(Date.now() + o.pokeIntervalMs, env.signal));
  }
}

/**
 * Airflow's DagStateTrigger (what a deferrable TriggerDagRunOperator waits on): fires when every named run of `dagId`
 * is in one of `states`, with the runs' states as payload.
 */
export class DagStateTrigger extends BaseTrigger {
  static readonly classpath = "updraft.triggers.external_task.DagStateTrigger";
  readonly classpath = DagStateTrigger.classpath;

  constructor(readonly dagId: string, readonly runIds: readonly string[], readonly states: readonly string[], readonly pollIntervalMs: number) {
    super();
  }

  static fromKwargs(k: JsonObject): DagStateTrigger {
    return new DagStateTrigger(k.dag_id as string, k.run_ids as string[], k.states as string[], Number(k.poll_interval) * 1000);
  }

  serialize(): JsonObject {
    return { dag_id: this.dagId, run_ids: [...this.runIds], states: [...this.states], poll_interval: this.pollIntervalMs / 1000 };
  }

  async *run(env: TriggerEnv): AsyncIterable<TriggerEvent> {
    do {
      const found = await env.dagRunStates(this.dagId, this.runIds);
      if (this.runIds.every((id) => found[id] && this.states.includes(found[id]!))) {
        yield new TriggerEvent({ dag_id: this.dagId, run_ids: [...this.runIds], states: found });
        return;
      }
    } while (await sleepUntil(Date.now() + this.pollIntervalMs, env.signal));
  }
}
