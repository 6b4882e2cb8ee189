import type { TaskContext } from "../core/context.ts";
import { durationToMs, isoformat, type Duration } from "../core/dates.ts";
import { BaseSensorOperator, type SensorOptions } from "../core/sensor.ts";
import { DateTimeTrigger } from "../triggers/temporal.ts";

export interface TimeDeltaSensorOptions extends SensorOptions {
  /** How long after the end of the run's data interval to wait. */
  delta: Duration;
  /** Wait in the triggerer (`deferred`, no runner slot) instead of poking (Airflow's TimeDeltaSensorAsync). */
  deferrable?: boolean;
  /** Deferred, let the triggerer mark the task successful when the time comes: no resumed try, no runner (Airflow 2.10). */
  endFromTrigger?: boolean;
}

/** Airflow 2's TimeDeltaSensor: done once `data_interval_end + delta` has passed. */
export class TimeDeltaSensor extends BaseSensorOperator {
  readonly deltaMs: number;
  deferrable: boolean;
  readonly endFromTrigger: boolean;

  constructor(options: TimeDeltaSensorOptions) {
    super(options);
    this.deltaMs = durationToMs(options.delta, `delta of TimeDeltaSensor "${options.taskId}"`);
    this.deferrable = options.deferrable ?? false;
    this.endFromTrigger = options.endFromTrigger ?? false;
  }

  override poke(context: TaskContext): boolean {
    const target = new Date(context.dataIntervalEnd.getTime() + this.deltaMs);
    context.log.info(`Checking if the time (${isoformat(target)}) has come`);
    return Date.now() > target.getTime();
  }

  override async execute(context: TaskContext): Promise<unknown> {
    if (!this.deferrable) return super.execute(context);
    const moment = new Date(context.dataIntervalEnd.getTime() + this.deltaMs);
    if (Date.now() > moment.getTime()) return null;
    this.defer({ trigger: new DateTimeTrigger({ moment, endFromTrigger: this.endFromTrigger }), methodName: "executeComplete", timeout: this.timeoutSeconds });
  }

  executeComplete(): null {
    return null;
  }
}

/** Airflow's TimeDeltaSensorAsync: a TimeDeltaSensor that always defers. */
export class TimeDeltaSensorAsync extends TimeDeltaSensor {
  constructor(options: Omit<TimeDeltaSensorOptions, "deferrable">) {
    super({ ...options, deferrable: true });
  }
}
