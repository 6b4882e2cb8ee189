import type { TaskContext } from "../core/context.ts";
import { isoformat, parseDate } from "../core/dates.ts";
import { BaseSensorOperator, type SensorOptions } from "../core/sensor.ts";
import { DateTimeTrigger } from "../triggers/temporal.ts";

export interface DateTimeSensorOptions extends SensorOptions {
  /** When to succeed: a date or an ISO string (templated, e.g. "{{ data_interval_end }}"). */
  targetTime: string | Date;
  /** Wait in the triggerer (`deferred`, no runner slot) instead of poking. */
  deferrable?: boolean;
  /** Deferred, let the triggerer mark the task successful when the time comes: no resumed try, no runner (Airflow 2.10). */
  endFromTrigger?: boolean;
}

/** Airflow's DateTimeSensor: done once `targetTime` has passed. */
export class DateTimeSensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["targetTime"];
  targetTime: string | Date;
  deferrable: boolean;
  readonly endFromTrigger: boolean;

  constructor(options: DateTimeSensorOptions) {
    super(options);
    if (typeof options.targetTime !== "string" && !(options.targetTime instanceof Date)) {
      throw new TypeError(`DateTimeSensor "${options.taskId}": targetTime must be a string or a Date, got ${typeof options.targetTime}.`);
    }
    this.targetTime = options.targetTime;
    this.deferrable = options.deferrable ?? false;
    this.endFromTrigger = options.endFromTrigger ?? false;
  }

  private target(): Date {
    return parseDate(this.targetTime, `targetTime of DateTimeSensor "${this.taskId}"`);
  }

  override poke(context: TaskContext): boolean {
    const target = this.target();
    context.log.info(`Checking if the time (${isoformat(target)}) has come`);
    return Date.now() > target.getTime();
  }

  override async execute(context: TaskContext): Promise<unknown> {
    if (!this.deferrable) return super.execute(context);
    const target = this.target();
    if (Date.now() > target.getTime()) return null;
    this.defer({ trigger: new DateTimeTrigger({ moment: target, endFromTrigger: this.endFromTrigger }), methodName: "executeComplete", timeout: this.timeoutSeconds });
  }

  executeComplete(): null {
    return null;
  }
}

/** Airflow's DateTimeSensorAsync: a DateTimeSensor that always defers. */
export class DateTimeSensorAsync extends DateTimeSensor {
  constructor(options: Omit<DateTimeSensorOptions, "deferrable">) {
    super({ ...options, deferrable: true });
  }
}
