import { isTruthy, toJson } from "../output.ts";
import { helperArguments } from "./args.ts";

/** Jinja's value filters and tests, as helpers: `{{upper params.env}}`, `{{#if (eq params.env "prod")}}`. */

const text = (value: unknown): string => (value == null ? "" : String(value));

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

export const valueHelpers = {
  json: (...args: unknown[]) => toJson(helperArguments(args).params[0]),
  tojson: (...args: unknown[]) => toJson(helperArguments(args).params[0]),
  upper: (...args: unknown[]) => text(helperArguments(args).params[0]).toUpperCase(),
  lower: (...args: unknown[]) => text(helperArguments(args).params[0]).toLowerCase(),
  /** `{{default params.limit 100}}`; also makes a missing `var.value.x` in its first argument optional. */
  default: (...args: unknown[]) => {
    const [value, fallback] = helperArguments(args).params;
    return value ?? fallback;
  },
  eq: (...args: unknown[]) => {
    const [a, b] = helperArguments(args).params;
    return same(a, b);
  },
  ne: (...args: unknown[]) => {
    const [a, b] = helperArguments(args).params;
    return !same(a, b);
  },
  and: (...args: unknown[]) => helperArguments(args).params.every(isTruthy),
  or: (...args: unknown[]) => helperArguments(args).params.some(isTruthy),
  not: (...args: unknown[]) => !isTruthy(helperArguments(args).params[0]),
} as const;
