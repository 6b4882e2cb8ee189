import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { BaseOperator, type TaskOptions } from "./base-operator.ts";
import type { TaskContext } from "./context.ts";
import { durationToSeconds, isoformat, type Duration } from "./dates.ts";
import { FailTask, SensorTimeoutError, SkipTask, UpdraftError } from "./errors.ts";
import { TaskDeferralError, TaskDeferralTimeout, type Resume } from "./deferral.ts";

/** What `poke` returns: done or not, optionally with a value for the sensor's return XCom. */
export type PokeResult = boolean | { isDone: boolean; xcomValue?: unknown } | null | undefined;

export interface SensorOptions extends TaskOptions {
  /** `poke` keeps the runner busy between pokes; `reschedule` frees it (`up_for_reschedule`). Default poke. */
  mode?: "poke" | "reschedule";
  pokeInterval?: Duration;
  timeout?: Duration;
  softFail?: boolean;
  neverFail?: boolean;
  silentFail?: boolean;
  exponentialBackoff?: boolean;
  maxWait?: Duration;
}

/** Ends a reschedule-mode poke: the TI becomes `up_for_reschedule` until `rescheduleAt`. */
export class RescheduleTask extends UpdraftError {
  constructor(readonly rescheduleAt: Date) {
    super("TASK_RESCHEDULED", `Rescheduled for ${isoformat(rescheduleAt)}`);
  }
}

const DEFAULT_SENSOR_TIMEOUT_SECONDS = 7 * 24 * 3600;

/**
 * Airflow's BaseSensorOperator: calls `poke` until it reports done, waiting `pokeInterval` between pokes, failing
 * without retry after `timeout` (or skipping with `softFail`).
 */
export abstract class BaseSensorOperator extends BaseOperator<unknown> {
  mode: "poke" | "reschedule";
  pokeIntervalSeconds: number;
  timeoutSeconds: number;
  softFail: boolean;
  neverFail: boolean;
  silentFail: boolean;
  exponentialBackoff: boolean;
  maxWaitSeconds: number | null;

  constructor(options: SensorOptions) {
    super(options);
    this.mode = options.mode ?? "poke";
    this.pokeIntervalSeconds = durationToSeconds(options.pokeInterval ?? 60, "pokeInterval");
    this.timeoutSeconds = durationToSeconds(options.timeout ?? DEFAULT_SENSOR_TIMEOUT_SECONDS, "timeout");
    this.softFail = options.softFail ?? false;
    this.neverFail = options.neverFail ?? false;
    this.silentFail = options.silentFail ?? false;
    if (this.softFail && this.neverFail) throw new Error(`Sensor "${this.taskId}": softFail and neverFail are mutually exclusive.`);
    this.exponentialBackoff = options.exponentialBackoff ?? false;
    this.maxWaitSeconds = options.maxWait === undefined ? null : durationToSeconds(options.maxWait, "maxWait");
  }

  abstract poke(context: TaskContext): PokeResult | Promise<PokeResult>;

  override async execute(context: TaskContext): Promise<unknown> {
    const started = this.mode === "reschedule" && context.ti.startDate ? context.ti.startDate : new Date();
    for (let pokeNumber = 1; ; pokeNumber++) {
      const result = await this.pokeOnce(context);
      if (result.done) return result.value;
      const elapsed = (Date.now() - started.getTime()) / 1000;
      if (elapsed >= this.timeoutSeconds) {
        const timeout = new SensorTimeoutError(this.taskId, this.timeoutSeconds);
        if (this.softFail || this.neverFail) throw new SkipTask(`${timeout.message} Skipping (soft fail).`);
        throw timeout;
      }
      const wait = Math.min(this.nextPokeInterval(context, started, pokeNumber + 1), this.timeoutSeconds - elapsed);
      if (this.mode === "reschedule") throw new RescheduleTask(new Date(Date.now() + wait * 1000));
      context.log.info(`Condition not met; poking again in ${wait.toFixed(1)}s`);
      await sleep(wait * 1000, undefined, { signal: context.signal });
    }
  }

  private async pokeOnce(context: TaskContext): Promise<{ done: boolean; value?: unknown }> {
    try {
      const result = await this.poke(context);
      if (result && typeof result === "object") return { done: result.isDone, value: result.xcomValue };
      return { done: Boolean(result) };
    } catch (error) {
      if (this.neverFail) throw new SkipTask(`Sensor poke failed (${(error as Error).message}); skipping (never fail).`);
      if (this.softFail && (error instanceof SensorTimeoutError || error instanceof FailTask)) {
        throw new SkipTask(`${(error as Error).message} Skipping (soft fail).`);
      }
      if (this.silentFail && !(error instanceof UpdraftError)) {
        context.log.warn(`Sensor poke failed, treating it as not done yet: ${(error as Error).message}`);
        return { done: false };
      }
      throw error;
    }
  }

  /**
   * Airflow's BaseSensorOperator.resume_execution: a deferral that timed out is the sensor's timeout (fails without
   * retry, skips with softFail/neverFail); another trigger failure skips with softFail.
   */
  override async resumeExecution(resume: Resume, context: TaskContext): Promise<unknown> {
    try {
      return await super.resumeExecution(resume, context);
    } catch (error) {
      if (error instanceof TaskDeferralTimeout) {
        const timeout = new SensorTimeoutError(this.taskId, this.timeoutSeconds);
        if (this.softFail || this.neverFail) throw new SkipTask(`${timeout.message} Skipping (soft fail).`);
        throw timeout;
      }
      if ((this.softFail || this.neverFail) && (error instanceof TaskDeferralError || error instanceof FailTask)) throw new SkipTask(`${(error as Error).message} Skipping (soft fail).`);
      if (this.neverFail && !(error instanceof SkipTask)) throw new SkipTask(`${(error as Error).message} Skipping (never fail).`);
      throw error;
    }
  }

  /** Airflow's interval, with its exponential backoff formula (`_get_next_poke_interval`). */
  nextPokeInterval(context: TaskContext, startedAt: Date, pokeNumber: number): number {
    let interval = this.pokeIntervalSeconds;
    if (this.exponentialBackoff) {
      const minBackoff = Math.max(Math.floor(this.pokeIntervalSeconds * 2 ** (pokeNumber - 2)), 1);
      const hash = BigInt(`0x${createHash("sha1").update(`${context.dag.dagId}#${this.taskId}#${isoformat(startedAt)}#${pokeNumber}`).digest("hex")}`);
      interval = minBackoff + Number(hash % BigInt(minBackoff));
    }
    if (this.maxWaitSeconds !== null) interval = Math.min(interval, this.maxWaitSeconds);
    return interval;
  }
}
