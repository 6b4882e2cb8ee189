import type { TaskContext } from "../core/context.ts";
import { durationToMs, isoformat, type Duration } from "../core/dates.ts";
import { BaseSensorOperator, type SensorOptions } from "../core/sensor.ts";

export interface TimeDeltaSensorOptions extends SensorOptions {
  /** How long after the end of the run's data interval to wait. */
  delta: Duration;
}

/** Airflow 2's TimeDeltaSensor: done once `data_interval_end + delta` has passed. */
export class TimeDeltaSensor extends BaseSensorOperator {
  readonly deltaMs: number;

  constructor(options: TimeDeltaSensorOptions) {
    super(options);
    this.deltaMs = durationToMs(options.delta, `delta of TimeDeltaSensor "${options.taskId}"`);
  }

  override poke(context: TaskContext): boolean {
    const target = new Date(context.dataIntervalEnd.getTime() + this.deltaMs);
    context.log.info(`Checking if the time (${isoformat(target)}) has come`);
    return Date.now() > target.getTime();
  }
}
