import type Handlebars from "handlebars";
import { parseDate } from "../../dates.ts";

/** Handlebars passes its options object as a helper's last argument; this separates it from the template's arguments. */
export function helperArguments(args: unknown[]): { params: unknown[]; options: Handlebars.HelperOptions } {
  return { params: args.slice(0, -1), options: args[args.length - 1] as Handlebars.HelperOptions };
}

/** A date given to a helper: a Date variable (`data_interval_end`) or ISO text (`ds`, `ts`). */
export function dateArgument(value: unknown, helper: string): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string") return parseDate(value, `date given to ${helper}`);
  throw new TypeError(`${helper} needs a date (a date variable or ISO text such as "2024-01-01"), got ${describe(value)}.`);
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing (is the variable name right?)";
  if (value === null) return "null";
  return typeof value === "string" ? `"${value}"` : typeof value;
}
