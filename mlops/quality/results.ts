import type { Batch } from "./batch.ts";

export type ResultFormatName = "BOOLEAN_ONLY" | "BASIC" | "SUMMARY" | "COMPLETE";
export type ResultFormat = ResultFormatName | { result_format: ResultFormatName; partial_unexpected_count?: number; include_unexpected_rows?: boolean; unexpected_index_column_names?: string[]; exclude_unexpected_values?: boolean };

export interface FormatOptions { level: ResultFormatName; partialCount: number; includeRows: boolean; indexColumns: string[] | undefined; excludeValues: boolean }

const LEVELS: ResultFormatName[] = ["BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE"];

export function formatOptions(format: ResultFormat | undefined): FormatOptions {
  const spec = typeof format === "object" && format !== null ? format : { result_format: format ?? "SUMMARY" };
  const level = (spec.result_format ?? "SUMMARY") as ResultFormatName;
  if (!LEVELS.includes(level)) throw new Error(`result_format "${level}" is unknown: use one of ${LEVELS.join(", ")}.`);
  const full = spec as Exclude<ResultFormat, string>;
  return {
    level,
    partialCount: full.partial_unexpected_count ?? 20,
    includeRows: full.include_unexpected_rows ?? false,
    indexColumns: full.unexpected_index_column_names,
    excludeValues: full.exclude_unexpected_values ?? false,
  };
}

/** What a map expectation found: the row indexes it evaluated as unexpected, and the values to report for them. */
export interface MapOutcome {
  elementCount: number;
  missingCount: number;
  /** Rows not evaluated because of `ignore_row_if` (pair and multicolumn expectations). */
  ignoredCount?: number;
  unexpectedIndexes: number[];
  unexpectedValues: unknown[];
  /** Null-excluding expectations report missing_* fields; to_be_null / to_not_be_null do not. */
  reportsMissing: boolean;
}

const pct = (part: number, whole: number) => (whole === 0 ? null : (part / whole) * 100);

function countValues(values: unknown[]): Array<{ value: unknown; count: number }> {
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const value of values) {
    const key = JSON.stringify(value) ?? String(value);
    const entry = counts.get(key) ?? { value, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || compareAny(a.value, b.value));
}

export function compareAny(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** GE's `_format_map_output`, for the levels of result_format. */
export function formatMapResult(outcome: MapOutcome, options: FormatOptions, batch: Batch): Record<string, unknown> {
  if (options.level === "BOOLEAN_ONLY") return {};
  const { elementCount, missingCount, unexpectedIndexes, unexpectedValues } = outcome;
  const evaluated = elementCount - missingCount - (outcome.ignoredCount ?? 0);
  const unexpectedCount = unexpectedIndexes.length;
  const result: Record<string, unknown> = {
    element_count: elementCount,
    unexpected_count: unexpectedCount,
    unexpected_percent: outcome.reportsMissing ? pct(unexpectedCount, evaluated) : pct(unexpectedCount, elementCount),
    partial_unexpected_list: options.excludeValues ? [] : unexpectedValues.slice(0, options.partialCount),
  };
  if (outcome.reportsMissing) {
    result.missing_count = missingCount;
    result.missing_percent = pct(missingCount, elementCount);
    result.unexpected_percent_total = pct(unexpectedCount, elementCount);
    result.unexpected_percent_nonmissing = pct(unexpectedCount, evaluated);
  }
  if (options.level === "BASIC") return result;
  const indexList = (indexes: number[]) => (options.indexColumns?.length
    ? indexes.map((i) => Object.fromEntries(options.indexColumns!.map((c) => [c, batch.rows[i][c]])))
    : indexes);
  result.partial_unexpected_counts = options.excludeValues ? [] : countValues(unexpectedValues).slice(0, options.partialCount);
  result.partial_unexpected_index_list = indexList(unexpectedIndexes.slice(0, options.partialCount));
  if (options.level === "SUMMARY") return result;
  result.unexpected_list = options.excludeValues ? [] : unexpectedValues;
  result.unexpected_index_list = indexList(unexpectedIndexes);
  result.unexpected_index_query = batch.dialect === "sql"
    ? `row numbers (0-based) ${JSON.stringify(unexpectedIndexes)} of ${batch.source}`
    : `df.filter(items=${JSON.stringify(unexpectedIndexes)}, axis=0)`;
  if (options.includeRows) result.unexpected_rows = unexpectedIndexes.map((i) => batch.rows[i]);
  return result;
}
