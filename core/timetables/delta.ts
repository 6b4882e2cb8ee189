/**
 * `schedule: { hours: 6 }` (and the default when `schedule` is omitted: one day): intervals `[start, start + delta)`
 * anchored at the start date, not at midnight (Airflow's `DeltaDataIntervalTimetable`).
 */
import { nextDataInterval } from "./interval.ts";
import { TimetableError } from "./errors.ts";
import type { DagRunInfo, DataInterval, SerializedTimetable, TimeRestriction, Timetable } from "./types.ts";

export class DeltaDataIntervalTimetable implements Timetable {
  readonly type = "delta";
  readonly periodic = true;
  readonly canBeScheduled = true;
  readonly deltaMs: number;

  constructor(deltaMs: number) {
    if (!Number.isFinite(deltaMs) || deltaMs <= 0) {
      throw new TimetableError(
        `Invalid schedule interval of ${deltaMs / 1000} seconds: it must be positive, e.g. { days: 1 } or { hours: 6 }.`,
      );
    }
    this.deltaMs = deltaMs;
  }

  get summary(): string {
    return timedeltaStr(this.deltaMs);
  }

  nextDagrunInfo(args: { lastAutomatedDataInterval: DataInterval | null; restriction: TimeRestriction; now: Date }): DagRunInfo | null {
    return nextDataInterval(
      {
        getNext: (d) => new Date(d.getTime() + this.deltaMs),
        alignToNext: (d) => d,
        alignToPrev: (d) => d,
        skipToLatest: (earliest, now) => this.skipToLatest(earliest, now),
      },
      args,
    );
  }

  /** catchup=False: now floored to a multiple of delta since the epoch, minus one delta; not before `earliest` (unaligned). */
  private skipToLatest(earliest: Date | null, now: Date): Date {
    const t = now.getTime();
    const rounded = t - (((t % this.deltaMs) + this.deltaMs) % this.deltaMs);
    const newStart = new Date(rounded - this.deltaMs);
    if (earliest === null || newStart.getTime() >= earliest.getTime()) return newStart;
    return earliest;
  }

  inferManualDataInterval(runAfter: Date): DataInterval {
    return { start: new Date(runAfter.getTime() - this.deltaMs), end: runAfter };
  }

  serialize(): SerializedTimetable {
    return { type: "delta", seconds: this.deltaMs / 1000 };
  }
}

/** Python's `str(timedelta)`: "1 day, 0:00:00", "2 days, 6:00:00", "0:30:00", "0:00:01.500000". */
export function timedeltaStr(ms: number): string {
  const micros = Math.round(ms * 1000);
  const days = Math.floor(micros / 86_400_000_000);
  const restMicros = micros - days * 86_400_000_000;
  const seconds = Math.floor(restMicros / 1_000_000);
  const us = restMicros - seconds * 1_000_000;
  const hms = `${Math.floor(seconds / 3600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  const dayPart = days ? `${days} day${Math.abs(days) === 1 ? "" : "s"}, ` : "";
  return `${dayPart}${hms}${us ? `.${String(us).padStart(6, "0")}` : ""}`;
}
