import { parseDate } from "../core/dates.ts";
import { checkTimezone, fromWallClock, toWallClock } from "../core/timetables/timezone.ts";

const RELATIVE = /^\s*(?:(\d+)\s+hours?\s*)?(?:(\d+)\s+minutes?\s*)?(?:(\d+)\s+seconds?\s*)?(?:(\d+)\s+days?\s*)?$/i;

/**
 * dag-factory's `get_datetime(value, timezone)`: a YAML date or datetime, or a date text, read as wall-clock time in
 * `timezone` (an explicit offset in the text wins); or a relative "N days" / "N hours" (in the order hours, minutes,
 * seconds, days): the start of today in `timezone` minus that much.
 */
export function configDate(value: unknown, timezone = "UTC", now = new Date()): Date {
  const tz = checkTimezone(timezone);
  if (value instanceof Date) return new Date(fromWallClock(value.getTime(), tz));
  if (typeof value !== "string") throw new TypeError(`expected a date, got ${JSON.stringify(value)}`);
  const relative = RELATIVE.exec(value);
  if (relative && value.trim() !== "") {
    const [, hours = 0, minutes = 0, seconds = 0, days = 0] = relative.slice(0).map((v, i) => (i === 0 ? v : Number(v ?? 0)));
    const wall = toWallClock(now.getTime(), tz);
    const midnight = fromWallClock(wall - (wall % 86_400_000), tz);
    return new Date(midnight - ((Number(days) * 24 + Number(hours)) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000);
  }
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})\s*$/i.test(value.trim()) && /\d[T ]\d/.test(value);
  const parsed = parseDate(value, "date");
  return hasOffset ? parsed : new Date(fromWallClock(parsed.getTime(), tz));
}
