import { parseDate, type Duration, durationToMs } from "../core/dates.ts";
import { BaseTrigger, sleepUntil, TaskEndEvent, TriggerEvent, type TriggerEnv } from "../core/deferral.ts";
import type { JsonObject } from "../core/types.ts";

/** Airflow's DateTimeTrigger: fires once `moment` has passed, with the moment as payload. */
export class DateTimeTrigger extends BaseTrigger {
  static readonly classpath = "updraft.triggers.temporal.DateTimeTrigger";
  readonly classpath = DateTimeTrigger.classpath;
  readonly moment: Date;
  /** Airflow 2.10: the triggerer marks the task instance successful itself, no resumed try (and no runner) needed. */
  readonly endFromTrigger: boolean;

  constructor(options: { moment: Date | string; endFromTrigger?: boolean }) {
    super();
    this.moment = parseDate(options.moment, "DateTimeTrigger moment");
    this.endFromTrigger = options.endFromTrigger ?? false;
  }

  serialize(): JsonObject {
    return this.endFromTrigger ? { moment: this.moment.toISOString(), end_from_trigger: true } : { moment: this.moment.toISOString() };
  }

  async *run(env: TriggerEnv): AsyncIterable<TriggerEvent> {
    if (!(await sleepUntil(this.moment.getTime(), env.signal))) return;
    const payload = this.moment.toISOString();
    yield this.endFromTrigger ? new TaskEndEvent("success", payload) : new TriggerEvent(payload);
  }
}

/** Airflow's TimeDeltaTrigger: a DateTimeTrigger at now + delta. */
export class TimeDeltaTrigger extends DateTimeTrigger {
  constructor(options: { delta: Duration; endFromTrigger?: boolean }) {
    super({ moment: new Date(Date.now() + durationToMs(options.delta, "TimeDeltaTrigger delta")), endFromTrigger: options.endFromTrigger });
  }
}
