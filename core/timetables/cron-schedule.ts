/**
 * A cron expression evaluated in a timezone, with Airflow's DST handling (`CronMixin` in `airflow/timetables/_cron.py`).
 * Ticks are found on naive wall-clock time. When the cron's hour field is restricted ("0 2 * * *") the naive tick is
 * localized (a skipped 02:00 becomes 03:00, a repeated 02:00 is its second occurrence). When the cron fires every
 * hour ("30 * * * *") the naive distance to the tick is added to the real instant instead, so the repeated hour at
 * fall-back is not skipped.
 */
import type { CronExpression } from "cron-parser";
import { parseCron } from "./cron-expression.ts";
import { TimetableError } from "./errors.ts";
import { checkTimezone, fromWallClock, toWallClock } from "./timezone.ts";

export class CronSchedule {
  /** the schedule as written, preset or cron */
  readonly expression: string;
  readonly timezone: string;
  private readonly cron: CronExpression;
  private readonly coversEveryHour: boolean;

  constructor(expression: string, timezone: string) {
    this.expression = expression;
    this.cron = parseCron(expression);
    this.timezone = checkTimezone(timezone);
    // Airflow checks croniter's `expanded[1] == ["*"]`; croniter writes any full hour list ("0-23", "*/1") as "*".
    this.coversEveryHour = this.cron.fields.hour.values.length === 24;
  }

  /** First tick strictly after `current`. */
  getNext(current: Date): Date {
    const naive = toWallClock(current.getTime(), this.timezone);
    const scheduled = this.naiveTick(naive, "next");
    if (!this.coversEveryHour) return new Date(fromWallClock(scheduled, this.timezone));
    return new Date(current.getTime() + (scheduled - naive));
  }

  /** Last tick strictly before `current`. */
  getPrev(current: Date): Date {
    const naive = toWallClock(current.getTime(), this.timezone);
    const scheduled = this.naiveTick(naive, "prev");
    if (!this.coversEveryHour) return new Date(fromWallClock(scheduled, this.timezone));
    return new Date(current.getTime() - (naive - scheduled));
  }

  /** `current` if it is a tick, else the next tick. */
  alignToNext(current: Date): Date {
    const next = this.getNext(current);
    return this.getPrev(next).getTime() === current.getTime() ? current : next;
  }

  /** `current` if it is a tick, else the previous tick. */
  alignToPrev(current: Date): Date {
    const prev = this.getPrev(current);
    return this.getNext(prev).getTime() === current.getTime() ? current : prev;
  }

  /** The tick strictly after/before the naive time; the shared iterator is reset first, so calls never interact. */
  private naiveTick(naiveMs: number, direction: "next" | "prev"): number {
    this.cron.reset(new Date(naiveMs));
    try {
      return (direction === "next" ? this.cron.next() : this.cron.prev()).getTime();
    } catch (error) {
      // cron-parser gives up after 10,000 search steps; even "0 0 * 2 1#5" (a fifth Monday in February, every
      // 28 years or so) stays within that, but a scheduler loop must still get a TimetableError, not a bare Error.
      const why = error instanceof Error ? error.message : String(error);
      const side = direction === "next" ? "after" : "before";
      throw new TimetableError(
        `Cron expression "${this.expression}" has no tick ${side} ${new Date(naiveMs).toISOString().slice(0, 19)} that cron-parser can find (${why}); check that its fields can match a real date.`,
      );
    }
  }
}
