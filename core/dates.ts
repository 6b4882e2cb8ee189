/**
 * Date formatting exactly as Airflow prints it (Python's isoformat and strftime), and durations.
 * Stored and compared datetimes are UTC `Date`s; a DAG's timezone matters only inside timetables.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Python `datetime.isoformat()` of a UTC-aware datetime: `2024-01-01T00:00:00+00:00`, microseconds only when non-zero. */
export function isoformat(date: Date): string {
  const base =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return `${base}${ms ? `.${pad(ms, 3)}000` : ""}+00:00`;
}

/** Python `str(datetime)` of a UTC-aware datetime: `2024-01-01 00:00:00+00:00` (used in Airflow's retry hash). */
export function pythonStr(date: Date): string {
  return isoformat(date).replace("T", " ");
}

/** `YYYY-MM-DD` */
export function ds(date: Date): string {
  return isoformat(date).slice(0, 10);
}

/** `YYYYMMDD` */
export function dsNodash(date: Date): string {
  return ds(date).replaceAll("-", "");
}

/** `20240101T000000` */
export function tsNodash(date: Date): string {
  return isoformat(date).slice(0, 19).replaceAll("-", "").replaceAll(":", "");
}

/** `20240101T000000+0000` */
export function tsNodashWithTz(date: Date): string {
  return `${tsNodash(date)}+0000`;
}

/**
 * Parses a date given by a user (CLI argument, DAG file, API payload): ISO 8601 with or without time and offset.
 * A date or datetime without an offset is read as UTC, as Airflow does with the default timezone.
 */
export function parseDate(value: string | Date, what = "date"): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError(`Invalid ${what}: the Date object is invalid.`);
    return new Date(value.getTime());
  }
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
  const m = iso.exec(text);
  if (!m) {
    throw new RangeError(`Invalid ${what} "${value}": use ISO 8601, e.g. 2024-01-01 or 2024-01-01T06:00:00+00:00.`);
  }
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", offset] = m;
  let millis = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number(`0.${frac || "0"}`) * 1000));
  if (offset && offset.toUpperCase() !== "Z") {
    const sign = offset.startsWith("-") ? -1 : 1;
    const digits = offset.slice(1).replace(":", "");
    millis -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const calendarDay = new Date(Date.UTC(+y, +mo - 1, +d));
  if (calendarDay.getUTCMonth() !== +mo - 1 || calendarDay.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    throw new RangeError(`Invalid ${what} "${value}": no such calendar date or time.`);
  }
  return new Date(millis);
}

/** A length of time: seconds, or named parts. `{ minutes: 5 }`, `300`. */
export type Duration =
  | number
  | { days?: number; hours?: number; minutes?: number; seconds?: number; milliseconds?: number };

export function durationToMs(duration: Duration, what = "duration"): number {
  const ms =
    typeof duration === "number"
      ? duration * 1000
      : ((duration.days ?? 0) * 86_400 + (duration.hours ?? 0) * 3600 + (duration.minutes ?? 0) * 60 + (duration.seconds ?? 0)) *
          1000 +
        (duration.milliseconds ?? 0);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`Invalid ${what} ${JSON.stringify(duration)}: give seconds (a number ≥ 0) or { days, hours, minutes, seconds }.`);
  }
  return ms;
}

export function durationToSeconds(duration: Duration, what = "duration"): number {
  return durationToMs(duration, what) / 1000;
}

export function addMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

export function addDays(date: Date, days: number): Date {
  return addMs(date, days * 86_400_000);
}
