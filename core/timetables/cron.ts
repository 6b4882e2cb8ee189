/** `schedule: "<cron or preset>"`: each run covers the interval between two consecutive ticks (Airflow's `CronDataIntervalTimetable`). */
import { CronSchedule } from "./cron-schedule.ts";
import { nextDataInterval } from "./interval.ts";
import type { DagRunInfo, DataInterval, SerializedTimetable, TimeRestriction, Timetable } from "./types.ts";

export class CronDataIntervalTimetable implements Timetable {
  readonly type = "cron";
  readonly periodic = true;
  readonly canBeScheduled = true;
  private readonly cron: CronSchedule;

  constructor(expression: string, timezone = "UTC") {
    this.cron = new CronSchedule(expression, timezone);
  }

  get summary(): string {
    return this.cron.expression;
  }

  get timezone(): string {
    return this.cron.timezone;
  }

  nextDagrunInfo(args: { lastAutomatedDataInterval: DataInterval | null; restriction: TimeRestriction; now: Date }): DagRunInfo | null {
    const cron = this.cron;
    return nextDataInterval(
      {
        getNext: (d) => cron.getNext(d),
        alignToNext: (d) => cron.alignToNext(d),
        alignToPrev: (d) => cron.alignToPrev(d),
        skipToLatest: (earliest, now) => this.skipToLatest(earliest, now),
      },
      args,
    );
  }

  /**
   * catchup=False: the latest complete interval. If `now` is exactly on a tick that is the interval starting at the
   * previous tick; otherwise the one ending at the last tick. Never earlier than catchup=True would start.
   */
  private skipToLatest(earliest: Date | null, now: Date): Date {
    const lastStart = this.cron.getPrev(now);
    const nextStart = this.cron.getNext(lastStart);
    const newStart = nextStart.getTime() === now.getTime() ? lastStart : this.cron.getPrev(lastStart);
    if (earliest === null) return newStart;
    const aligned = this.cron.alignToNext(earliest);
    return newStart.getTime() >= aligned.getTime() ? newStart : aligned;
  }

  /** The last complete interval: a run triggered at 01:00 on the 25th of a daily DAG covers the 24th. */
  inferManualDataInterval(runAfter: Date): DataInterval {
    const end = this.cron.alignToPrev(runAfter);
    return { start: this.cron.getPrev(end), end };
  }

  serialize(): SerializedTimetable {
    return { type: "cron", expression: this.cron.expression, timezone: this.cron.timezone };
  }
}
