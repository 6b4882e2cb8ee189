/**
 * Glossary (Great Expectations' words, used throughout mlops/quality):
 * - batch: the rows under validation, from one file or one table, with its column names and types.
 * - expectation: one check (`expect_column_values_to_be_between`, …) with its kwargs.
 * - suite: a named list of expectations. Validating a suite against a batch gives a validation result.
 */
export type Row = Record<string, unknown>;

export interface Batch {
  /** Where the rows came from, e.g. "file:///data/orders.csv" or "postgres:public.orders". */
  source: string;
  columns: string[];
  rows: Row[];
  /**
   * Per-column type name in the source's own vocabulary: pandas-like dtypes for files ("int64", "float64", "bool",
   * "object", "datetime64[ns]"), the database's type for tables ("integer", "character varying", …).
   */
  types: Record<string, string>;
  /** "pandas" for files, "sql" for tables: decides how `expect_column_values_to_be_of_type` reads `type_`. */
  dialect: "pandas" | "sql";
}

/** GE (pandas) counts None, NaN and NaT as missing. */
export function isNull(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value)) || (value instanceof Date && Number.isNaN(value.getTime()));
}

/** The pandas dtype the values of one column would get. */
export function inferDtype(values: unknown[]): string {
  const present = values.filter((v) => !isNull(v));
  if (present.length === 0) return values.length ? "float64" : "object";
  if (present.every((v) => typeof v === "boolean")) return values.length === present.length ? "bool" : "object";
  if (present.every((v) => typeof v === "number" || typeof v === "bigint")) {
    return present.every((v) => typeof v === "bigint" || Number.isInteger(v)) && present.length === values.length ? "int64" : "float64";
  }
  if (present.every((v) => v instanceof Date)) return "datetime64[ns]";
  return "object";
}

export function batchFromRows(source: string, rows: Row[], columns?: string[]): Batch {
  const names = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const types = Object.fromEntries(names.map((name) => [name, inferDtype(rows.map((row) => row[name]))]));
  return { source, columns: names, rows, types, dialect: "pandas" };
}
