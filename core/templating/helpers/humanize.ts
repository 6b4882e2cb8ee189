/**
 * pendulum's English `diff_for_humans` (Airflow's `macros.datetime_diff_for_humans`): the largest calendar unit,
 * rounded the way pendulum rounds ("1 year" from 12 months, "in 2 weeks"), and "a few seconds" under 11 seconds.
 */
interface CalendarDiff {
  months: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

function calendarDiff(from: Date, to: Date): CalendarDiff {
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  if (addMonths(from, months) > to) months--;
  let rest = Math.floor((to.getTime() - addMonths(from, months).getTime()) / 1000);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  return { months, days, hours, minutes, seconds: rest - minutes * 60 };
}

function unitAndCount(diff: CalendarDiff): [string, number] | null {
  const years = Math.floor(diff.months / 12);
  const months = diff.months % 12;
  const weeks = Math.floor(diff.days / 7);
  const days = diff.days % 7;
  if (years > 0) return ["year", months > 6 ? years + 1 : years];
  if (months === 11 && diff.days > 15) return ["year", 1];
  if (months > 0) return ["month", diff.days >= 27 ? months + 1 : months];
  if (weeks > 0) return ["week", days > 3 ? weeks + 1 : weeks];
  if (days > 0) return ["day", diff.hours >= 22 ? days + 1 : days];
  if (diff.hours > 0) return ["hour", diff.hours];
  if (diff.minutes > 0) return ["minute", diff.minutes];
  if (diff.seconds > 10) return ["second", diff.seconds];
  return null;
}

/** `since` defaults to now: "3 days ago" / "in 3 days"; with `since`: "3 days after" / "3 days before". */
export function diffForHumans(date: Date, since?: Date): string {
  const other = since ?? new Date();
  const isFuture = date > other;
  const diff = isFuture ? calendarDiff(other, date) : calendarDiff(date, other);
  const unit = unitAndCount(diff);
  const time = unit ? `${unit[1]} ${unit[0]}${unit[1] === 1 ? "" : "s"}` : "a few seconds";
  if (since === undefined) return isFuture ? `in ${time}` : `${time} ago`;
  return isFuture ? `${time} after` : `${time} before`;
}
