/**
 * Airflow's `CronTriggerTimetable`: a run fires at each tick, like POSIX cron, and covers `[tick − interval, tick]`;
 * its logical date is `tick − interval` (the tick itself with the default interval of 0).
 */
import { durationToMs, type Duration } from "../dates.ts";
import { CronSchedule } from "./cron-schedule.ts";
import { TimetableError } from "./errors.ts";
import { intervalRunInfo, type DagRunInfo, type DataInterval, type SerializedTimetable, type TimeRestriction, type Timetable } from "./types.ts";

export class CronTriggerTimetable implements Timetable {
  readonly type = "cron_trigger";
  readonly periodic = true;
  readonly canBeScheduled = true;
  private readonly cron: CronSchedule;
  private readonly intervalMs: number;

  constructor(expression: string, opts: { timezone?: string; interval?: Duration } = {}) {
    this.cron = new CronSchedule(expression, opts.timezone ?? "UTC");
    try {
      this.intervalMs = durationToMs(opts.interval ?? 0, "interval");
    } catch (error) {
      throw new TimetableError((error as Error).message);
    }
  }

  get summary(): string {
    return this.cron.expression;
  }

  get timezone(): string {
    return this.cron.timezone;
  }

  nextDagrunInfo({
    lastAutomatedDataInterval: last,
    restriction,
    now,
  }: {
    lastAutomatedDataInterval: DataInterval | null;
    restriction: TimeRestriction;
    now: Date;
  }): DagRunInfo | null {
    let tick: Date;
    if (restriction.catchup) {
      if (last !== null) tick = this.cron.getNext(last.end);
      else if (restriction.earliest === null) return null;
      else tick = this.cron.alignToNext(restriction.earliest);
    } else {
      // The most recent tick at or before now still runs (Airflow 2.7+), so a scheduler hiccup does not drop it.
      const candidates = [this.cron.alignToPrev(now)];
      if (last !== null) candidates.push(this.cron.getNext(last.end));
      if (restriction.earliest !== null) candidates.push(this.cron.alignToNext(restriction.earliest));
      tick = new Date(Math.max(...candidates.map((d) => d.getTime())));
    }
    if (restriction.latest !== null && restriction.latest.getTime() < tick.getTime()) return null;
    return intervalRunInfo(new Date(tick.getTime() - this.intervalMs), tick);
  }

  inferManualDataInterval(runAfter: Date): DataInterval {
    return { start: new Date(runAfter.getTime() - this.intervalMs), end: runAfter };
  }

  serialize(): SerializedTimetable {
    return { type: "cron_trigger", expression: this.cron.expression, timezone: this.cron.timezone, intervalSeconds: this.intervalMs / 1000 };
  }
}
