import type { TaskContext } from "../core/context.ts";
import { isoformat } from "../core/dates.ts";
import { BaseSensorOperator, type SensorOptions } from "../core/sensor.ts";
import { fromWallClock, toWallClock } from "../core/timetables/timezone.ts";
import { DateTimeTrigger } from "../triggers/temporal.ts";

export interface TimeSensorOptions extends SensorOptions {
  /** A time of day, "HH:MM" or "HH:MM:SS", in the DAG's timezone. */
  targetTime: string;
  /** Wait in the triggerer (`deferred`, no runner slot) instead of poking. */
  deferrable?: boolean;
  /** Deferred, let the triggerer mark the task successful when the time comes: no resumed try, no runner (Airflow 2.10). */
  endFromTrigger?: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Airflow's TimeSensor: done once the time of day (in the DAG's timezone) is past `targetTime`. Deferred (Airflow's
 * TimeSensorAsync), it waits for that time on the day the run's data interval ends.
 */
export class TimeSensor extends BaseSensorOperator {
  readonly targetMs: number;
  deferrable: boolean;
  readonly endFromTrigger: boolean;

  constructor(options: TimeSensorOptions) {
    super(options);
    const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(String(options.targetTime));
    if (!match || Number(match[1]) > 23 || Number(match[2]) > 59 || Number(match[3] ?? 0) > 59) {
      throw new TypeError(`TimeSensor "${options.taskId}": targetTime "${options.targetTime}" is not a time of day; give "HH:MM" or "HH:MM:SS".`);
    }
    this.targetMs = ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3] ?? 0)) * 1000;
    this.deferrable = options.deferrable ?? false;
    this.endFromTrigger = options.endFromTrigger ?? false;
  }

  override poke(context: TaskContext): boolean {
    const timezone = context.dag.timezone;
    const wall = toWallClock(Date.now(), timezone);
    context.log.info(`Checking if the time (${formatTime(this.targetMs)}) has come`);
    return ((wall % DAY_MS) + DAY_MS) % DAY_MS > this.targetMs;
  }

  override async execute(context: TaskContext): Promise<unknown> {
    if (!this.deferrable) return super.execute(context);
    const timezone = context.dag.timezone;
    const endWall = toWallClock(context.dataIntervalEnd.getTime(), timezone);
    const moment = new Date(fromWallClock(endWall - (((endWall % DAY_MS) + DAY_MS) % DAY_MS) + this.targetMs, timezone));
    context.log.info(`Deferring until ${isoformat(moment)}`);
    this.defer({ trigger: new DateTimeTrigger({ moment, endFromTrigger: this.endFromTrigger }), methodName: "executeComplete", timeout: this.timeoutSeconds });
  }

  executeComplete(): null {
    return null;
  }
}

/** Airflow's TimeSensorAsync: a TimeSensor that always defers. */
export class TimeSensorAsync extends TimeSensor {
  constructor(options: Omit<TimeSensorOptions, "deferrable">) {
    super({ ...options, deferrable: true });
  }
}

function formatTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, "0")).join(":");
}
