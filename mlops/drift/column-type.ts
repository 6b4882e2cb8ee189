import { isNull, type Row } from "../quality/batch.ts";
import type { Value } from "./binning.ts";

export type ColumnKind = "numerical" | "categorical" | "datetime" | "skipped";

/**
 * Evidently's typing when no column mapping is given: floats are numerical; integers with ≤ 5 distinct values are
 * categorical, other integers numerical; booleans and strings categorical, except a string column where nearly
 * every value is distinct (an id), which is skipped; datetimes are not tested.
 */
export function inferKind(values: unknown[]): ColumnKind {
  const present = values.filter((v) => !isNull(v));
  if (present.length === 0) return "skipped";
  if (present.every((v) => v instanceof Date)) return "datetime";
  if (present.every((v) => typeof v === "number")) {
    const integers = present.every((v) => Number.isInteger(v));
    return integers && new Set(present).size <= 5 ? "categorical" : "numerical";
  }
  if (present.every((v) => typeof v === "boolean" || typeof v === "string")) {
    const distinct = new Set(present.map(String)).size;
    return present.length > 50 && distinct / present.length > 0.95 ? "skipped" : "categorical";
  }
  return "skipped";
}

/** A column's values with None, NaN and ±inf dropped, as Evidently's preprocessing does before a stattest. */
export function cleanValues(rows: Row[], column: string): Value[] {
  return rows.map((r) => r[column]).filter((v): v is Value => !isNull(v) && v !== Infinity && v !== -Infinity && (typeof v === "number" || typeof v === "string" || typeof v === "boolean"));
}
