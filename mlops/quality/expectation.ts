import type { Batch } from "./batch.ts";
import { formatMapResult, type FormatOptions, type MapOutcome } from "./results.ts";

export type Kwargs = Record<string, unknown>;
export interface Evaluation { success: boolean; result: Record<string, unknown> }
export type ExpectationImpl = (batch: Batch, kwargs: Kwargs, format: FormatOptions) => Evaluation;

/** A misconfigured expectation or a batch it cannot run on; reported in that result's exception_info. */
export class ExpectationError extends Error {
  override name = "ExpectationError";
}

export function requireColumn(batch: Batch, kwargs: Kwargs, key = "column"): string {
  const column = kwargs[key];
  if (typeof column !== "string") throw new ExpectationError(`"${key}" is required and must be a column name.`);
  if (!batch.columns.includes(column)) throw new ExpectationError(`The column "${column}" in BatchData does not exist (columns: ${batch.columns.join(", ")}).`);
  return column;
}

export function mostlyOf(kwargs: Kwargs): number {
  const mostly = kwargs.mostly ?? 1;
  if (typeof mostly !== "number" || mostly < 0 || mostly > 1) throw new ExpectationError(`"mostly" must be a number between 0 and 1, got ${JSON.stringify(mostly)}.`);
  return mostly;
}

/** GE's `_mostly_success`: vacuously true with nothing evaluated. */
export function mapSuccess(outcome: MapOutcome, mostly: number): boolean {
  const evaluated = outcome.reportsMissing ? outcome.elementCount - outcome.missingCount - (outcome.ignoredCount ?? 0) : outcome.elementCount;
  if (evaluated === 0) return true;
  return (evaluated - outcome.unexpectedIndexes.length) / evaluated >= mostly;
}

export function mapEvaluation(outcome: MapOutcome, kwargs: Kwargs, format: FormatOptions, batch: Batch): Evaluation {
  return { success: mapSuccess(outcome, mostlyOf(kwargs)), result: formatMapResult(outcome, format, batch) };
}

/** GE's `_validate_metric_value_between`: an absent bound is open, strict flags make it exclusive, a null metric fails. */
export function betweenEvaluation(observed: unknown, kwargs: Kwargs): Evaluation {
  const missing = observed === undefined || observed === null || (typeof observed === "number" && Number.isNaN(observed));
  const result = { observed_value: missing ? null : observed instanceof Date ? observed.toISOString() : observed };
  if (missing) return { success: false, result };
  const min = kwargs.min_value ?? null;
  const max = kwargs.max_value ?? null;
  if (min !== null && max !== null && compareBound(min, max) > 0) throw new ExpectationError(`min_value ${JSON.stringify(min)} is greater than max_value ${JSON.stringify(max)}.`);
  let success = true;
  if (min !== null) success &&= kwargs.strict_min ? compareValue(observed, min) > 0 : compareValue(observed, min) >= 0;
  if (max !== null) success &&= kwargs.strict_max ? compareValue(observed, max) < 0 : compareValue(observed, max) <= 0;
  return { success, result };
}

function compareBound(a: unknown, b: unknown): number {
  return typeof a === "string" && typeof b === "string" ? (a < b ? -1 : a > b ? 1 : 0) : compareValue(a, b);
}

/** Compares a column value with a bound: numbers with numbers, dates with dates or date strings, strings with strings. */
export function compareValue(value: unknown, bound: unknown): number {
  if (value instanceof Date) {
    const other = bound instanceof Date ? bound.getTime() : typeof bound === "string" ? Date.parse(bound) : NaN;
    if (Number.isNaN(other)) throw new ExpectationError(`Cannot compare the datetime ${value.toISOString()} with ${JSON.stringify(bound)}.`);
    return value.getTime() - other;
  }
  const v = typeof value === "bigint" ? Number(value) : value;
  const b = typeof bound === "bigint" ? Number(bound) : bound;
  if (typeof v === "number" && typeof b === "number") return v - b;
  if (typeof v === "string" && typeof b === "string") return v < b ? -1 : v > b ? 1 : 0;
  throw new ExpectationError(`'<' not supported between a ${typeof v} (${JSON.stringify(v)}) and a ${typeof b} (${JSON.stringify(b)}): make the bounds the column's type.`);
}
