import { randomUUID } from "node:crypto";
import { addDays, ds as formatDs } from "../../dates.ts";
import { dateArgument, describe, helperArguments } from "./args.ts";
import { diffForHumans } from "./humanize.ts";
import { strftime, strptime } from "./strftime.ts";

/** Airflow's `macros` module, as helpers: `{{ds_add ds 7}}`, and as `{{macros.ds_add ds 7}}`. */

function dsArgument(value: unknown, helper: string): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return strptime(value, "%Y-%m-%d");
  throw new TypeError(`${helper} needs a date as YYYY-MM-DD (such as ds), got ${describe(value)}.`);
}

/** `{{ds_add ds 7}}` → the date 7 days later, YYYY-MM-DD. */
export function dsAdd(...args: unknown[]): string {
  const [value, days] = helperArguments(args).params;
  const count = Number(days);
  if (days == null || days === "" || !Number.isFinite(count)) throw new TypeError(`ds_add needs a number of days, got ${describe(days)}.`);
  return formatDs(addDays(dsArgument(value, "ds_add"), count));
}

/** `{{ds_format ds "%Y-%m-%d" "%d/%m/%Y"}}` → `01/01/2024`. */
export function dsFormat(...args: unknown[]): string {
  const [value, inputFormat, outputFormat] = helperArguments(args).params;
  if (typeof value !== "string" || typeof inputFormat !== "string" || typeof outputFormat !== "string") {
    throw new TypeError(`ds_format takes three texts: {{ds_format ds "%Y-%m-%d" "%d/%m/%Y"}}, got ${describe(value)}, ${describe(inputFormat)}, ${describe(outputFormat)}.`);
  }
  return strftime(strptime(value, inputFormat), outputFormat);
}

/** `{{strftime data_interval_end "%Y/%m/%d"}}`: Python's `dt.strftime(...)`, which handlebars cannot call. */
export function strftimeHelper(...args: unknown[]): string {
  const [value, format] = helperArguments(args).params;
  if (typeof format !== "string") throw new TypeError(`strftime needs a format such as "%Y/%m/%d", got ${describe(format)}.`);
  return strftime(dateArgument(value, "strftime"), format);
}

/** `{{datetime_diff_for_humans prev_start_date_success}}` → "3 days ago"; with a second date: "3 days before". */
export function datetimeDiffForHumans(...args: unknown[]): string {
  const [value, since] = helperArguments(args).params;
  return diffForHumans(dateArgument(value, "datetime_diff_for_humans"), since == null ? undefined : dateArgument(since, "datetime_diff_for_humans"));
}

export function uuid(): string {
  return randomUUID();
}

export const macroHelpers = {
  ds_add: dsAdd,
  ds_format: dsFormat,
  datetime_diff_for_humans: datetimeDiffForHumans,
  strftime: strftimeHelper,
  uuid,
} as const;
