/**
 * Wall-clock arithmetic in an IANA timezone, as Airflow's `make_naive` / `make_aware` do it.
 * A "naive" time is a wall-clock reading stored as if it were UTC milliseconds, so that cron-parser, run in UTC,
 * finds ticks without any timezone in the way (croniter is likewise handed naive datetimes).
 */
import { TimetableError } from "./errors.ts";

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The canonical spelling of an IANA timezone name ("europe/amsterdam" → "Europe/Amsterdam"); throws TimetableError if unknown. */
export function checkTimezone(timezone: string): string {
  if (typeof timezone !== "string" || timezone.trim() === "") {
    throw new TimetableError(`Invalid timezone ${JSON.stringify(timezone)}: give an IANA timezone name such as "UTC" or "Europe/Amsterdam".`);
  }
  try {
    return formatter(timezone).resolvedOptions().timeZone;
  } catch {
    throw new TimetableError(
      `Invalid timezone "${timezone}": it is not an IANA timezone name. Use a name such as "UTC", "Europe/Amsterdam" or "America/New_York".`,
    );
  }
}

function isUtc(timezone: string): boolean {
  return timezone === "UTC" || timezone === "Etc/UTC";
}

/** Airflow's `make_naive(value, tz)`: the wall-clock reading of `utcMs` in `timezone`, as naive ms. */
export function toWallClock(utcMs: number, timezone: string): number {
  if (isUtc(timezone)) return utcMs;
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(new Date(utcMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const subSecond = ((utcMs % 1000) + 1000) % 1000;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) + subSecond;
}

function offsetAt(utcMs: number, timezone: string): number {
  return toWallClock(utcMs, timezone) - utcMs;
}

/**
 * Airflow's `make_aware(naive, tz)`, which sets `fold=1` before localizing: an ambiguous wall-clock time (the hour
 * repeated when clocks go back) resolves to its second occurrence, and a time skipped when clocks go forward is
 * shifted forward by the gap (02:30 on a spring-forward day becomes 03:30 with the new offset).
 */
export function fromWallClock(naiveMs: number, timezone: string): number {
  if (isUtc(timezone)) return naiveMs;
  // Offsets a day either side bracket any single DST transition near `naiveMs`.
  const before = offsetAt(naiveMs - DAY_MS, timezone);
  const after = offsetAt(naiveMs + DAY_MS, timezone);
  let found: number | null = null;
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = naiveMs - offset;
    if (toWallClock(candidate, timezone) === naiveMs && (found === null || candidate > found)) found = candidate;
  }
  return found ?? naiveMs - before;
}
