import { isNull, type Batch, type Row } from "./batch.ts";
import { compareValue, ExpectationError, mapEvaluation, requireColumn, type ExpectationImpl, type Kwargs } from "./expectation.ts";
import type { MapOutcome } from "./results.ts";
import { matchesStrftime } from "./strftime.ts";

/** A column-map expectation: nulls are left out, then each value is expected or not. */
function columnMap(prepare: (kwargs: Kwargs, batch: Batch, column: string) => (value: unknown) => boolean): ExpectationImpl {
  return (batch, kwargs, format) => {
    const column = requireColumn(batch, kwargs);
    const isExpected = prepare(kwargs, batch, column);
    const outcome: MapOutcome = { elementCount: batch.rows.length, missingCount: 0, unexpectedIndexes: [], unexpectedValues: [], reportsMissing: true };
    batch.rows.forEach((row, index) => {
      const value = row[column];
      if (isNull(value)) outcome.missingCount++;
      else if (!isExpected(value)) {
        outcome.unexpectedIndexes.push(index);
        outcome.unexpectedValues.push(value);
      }
    });
    return mapEvaluation(outcome, kwargs, format, batch);
  };
}

/** to_be_null / to_not_be_null: every row counts, and no missing_* fields. */
function nullness(expectNull: boolean): ExpectationImpl {
  return (batch, kwargs, format) => {
    const column = requireColumn(batch, kwargs);
    const outcome: MapOutcome = { elementCount: batch.rows.length, missingCount: 0, unexpectedIndexes: [], unexpectedValues: [], reportsMissing: false };
    batch.rows.forEach((row, index) => {
      if (isNull(row[column]) !== expectNull) {
        outcome.unexpectedIndexes.push(index);
        outcome.unexpectedValues.push(row[column] ?? null);
      }
    });
    return mapEvaluation(outcome, kwargs, format, batch);
  };
}

function valueSet(kwargs: Kwargs): Set<string> {
  if (!Array.isArray(kwargs.value_set)) throw new ExpectationError(`"value_set" must be a list, got ${JSON.stringify(kwargs.value_set)}.`);
  return new Set(kwargs.value_set.map(setKey));
}
export const setKey = (value: unknown) => (value instanceof Date ? value.toISOString() : typeof value === "bigint" ? String(value) : `${typeof value}:${String(value)}`);

function rangeCheck(kwargs: Kwargs, measure: (value: unknown) => unknown) {
  const min = kwargs.min_value ?? null;
  const max = kwargs.max_value ?? null;
  if (min === null && max === null) throw new ExpectationError("min_value and max_value cannot both be None.");
  if (min !== null && max !== null && compareValue(min, max) > 0) throw new ExpectationError(`min_value ${JSON.stringify(min)} is greater than max_value ${JSON.stringify(max)}.`);
  return (value: unknown) => {
    const v = measure(value);
    if (min !== null && (kwargs.strict_min ? compareValue(v, min) <= 0 : compareValue(v, min) < 0)) return false;
    if (max !== null && (kwargs.strict_max ? compareValue(v, max) >= 0 : compareValue(v, max) > 0)) return false;
    return true;
  };
}

function regexOf(kwargs: Kwargs): RegExp {
  if (typeof kwargs.regex !== "string") throw new ExpectationError(`"regex" must be a string.`);
  try {
    return new RegExp(kwargs.regex);
  } catch (error) {
    throw new ExpectationError(`"regex" ${JSON.stringify(kwargs.regex)} is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** Python type names (pandas dtypes and builtins) → does this value have that type. */
const VALUE_TYPES: Record<string, (value: unknown) => boolean> = {
  str: (v) => typeof v === "string", string: (v) => typeof v === "string", object: () => true,
  int: (v) => typeof v === "bigint" || Number.isInteger(v), int64: (v) => typeof v === "bigint" || Number.isInteger(v), int32: (v) => Number.isInteger(v),
  float: (v) => typeof v === "number", float64: (v) => typeof v === "number", float32: (v) => typeof v === "number",
  bool: (v) => typeof v === "boolean", boolean: (v) => typeof v === "boolean",
  datetime64: (v) => v instanceof Date, "datetime64[ns]": (v) => v instanceof Date, datetime: (v) => v instanceof Date, Timestamp: (v) => v instanceof Date,
};

/** SQL type names as users write them → the information_schema data_type they stand for. */
const SQL_TYPES: Record<string, string[]> = {
  INTEGER: ["integer"], INT: ["integer"], INT4: ["integer"], BIGINT: ["bigint"], INT8: ["bigint"], SMALLINT: ["smallint"],
  VARCHAR: ["character varying"], TEXT: ["text"], CHAR: ["character"], STRING: ["character varying", "text"],
  NUMERIC: ["numeric"], DECIMAL: ["numeric"], FLOAT: ["double precision", "real"], DOUBLE_PRECISION: ["double precision"], REAL: ["real"],
  BOOLEAN: ["boolean"], DATE: ["date"], TIMESTAMP: ["timestamp without time zone", "timestamp with time zone"], JSON: ["json", "jsonb"], UUID: ["uuid"],
};

/** expect_column_values_to_be_of_type / in_type_list, for pandas-like batches and SQL tables. */
function typeExpectation(listKey: "type_" | "type_list"): ExpectationImpl {
  return (batch, kwargs, format) => {
    const column = requireColumn(batch, kwargs);
    const raw = kwargs[listKey];
    const wanted = listKey === "type_" ? [raw] : raw;
    if (!Array.isArray(wanted) || !wanted.every((t) => typeof t === "string")) throw new ExpectationError(`"${listKey}" must be ${listKey === "type_" ? "a type name" : "a list of type names"}.`);
    const observed = batch.types[column];
    if (batch.dialect === "sql") {
      const accepted = wanted.flatMap((t: string) => SQL_TYPES[t.toUpperCase().replace(/ /g, "_")] ?? [t.toLowerCase()]);
      return { success: accepted.includes(observed), result: { observed_value: observed.toUpperCase() } };
    }
    if (wanted.some((t: string) => t === observed || (observed === "int64" && t === "int") || (observed === "float64" && t === "float") || (observed.startsWith("datetime64") && t.startsWith("datetime")))) {
      return { success: true, result: { observed_value: observed } };
    }
    if (observed !== "object") return { success: false, result: { observed_value: observed } };
    const checks = wanted.map((t: string) => {
      const check = VALUE_TYPES[t];
      if (!check) throw new ExpectationError(`Unknown type "${t}": use a pandas dtype or Python type name (${Object.keys(VALUE_TYPES).join(", ")}).`);
      return check;
    });
    return columnMap(() => (value) => checks.some((check) => check(value)))(batch, kwargs, format);
  };
}

type IgnoreRule = (values: unknown[]) => boolean;
const IGNORE_RULES: Record<string, IgnoreRule> = {
  both_values_are_missing: (v) => v.every(isNull), all_values_are_missing: (v) => v.every(isNull),
  either_value_is_missing: (v) => v.some(isNull), any_value_is_missing: (v) => v.some(isNull), neither: () => false, never: () => false,
};

/** Pair and multicolumn maps: rows dropped by ignore_row_if leave the denominator. */
function rowMap(columnsOf: (batch: Batch, kwargs: Kwargs) => string[], defaultIgnore: string, prepare: (kwargs: Kwargs, batch: Batch, columns: string[]) => (values: unknown[], index: number) => boolean, asValue: (values: unknown[], columns: string[]) => unknown): ExpectationImpl {
  return (batch, kwargs, format) => {
    const columns = columnsOf(batch, kwargs);
    const ruleName = (kwargs.ignore_row_if as string | undefined) ?? defaultIgnore;
    const ignore = IGNORE_RULES[ruleName];
    if (!ignore) throw new ExpectationError(`ignore_row_if "${ruleName}" is unknown: use one of ${Object.keys(IGNORE_RULES).join(", ")}.`);
    const isExpected = prepare(kwargs, batch, columns);
    const outcome: MapOutcome = { elementCount: batch.rows.length, missingCount: 0, ignoredCount: 0, unexpectedIndexes: [], unexpectedValues: [], reportsMissing: true };
    batch.rows.forEach((row: Row, index) => {
      const values = columns.map((c) => row[c]);
      if (ignore(values)) outcome.ignoredCount!++;
      else if (!isExpected(values, index)) {
        outcome.unexpectedIndexes.push(index);
        outcome.unexpectedValues.push(asValue(values, columns));
      }
    });
    return mapEvaluation(outcome, kwargs, format, batch);
  };
}

const pairColumns = (batch: Batch, kwargs: Kwargs) => [requireColumn(batch, kwargs, "column_A"), requireColumn(batch, kwargs, "column_B")];
function listColumns(batch: Batch, kwargs: Kwargs): string[] {
  if (!Array.isArray(kwargs.column_list) || kwargs.column_list.length === 0) throw new ExpectationError(`"column_list" must be a non-empty list of columns.`);
  return kwargs.column_list.map((column) => requireColumn(batch, { column }));
}
const asTuple = (values: unknown[]) => values;
const asRecord = (values: unknown[], columns: string[]) => Object.fromEntries(columns.map((c, i) => [c, values[i]]));

export const MAP_EXPECTATIONS: Record<string, ExpectationImpl> = {
  expect_column_values_to_not_be_null: nullness(false),
  expect_column_values_to_be_null: nullness(true),
  expect_column_values_to_be_between: columnMap((kwargs) => rangeCheck(kwargs, (v) => v)),
  expect_column_value_lengths_to_be_between: columnMap((kwargs) => rangeCheck(kwargs, (v) => String(v).length)),
  expect_column_value_lengths_to_equal: columnMap((kwargs) => (v) => String(v).length === kwargs.value),
  expect_column_values_to_be_in_set: columnMap((kwargs) => {
    const set = valueSet(kwargs);
    return (v) => set.has(setKey(v));
  }),
  expect_column_values_to_not_be_in_set: columnMap((kwargs) => {
    const set = valueSet(kwargs);
    return (v) => !set.has(setKey(v));
  }),
  expect_column_values_to_be_unique: columnMap((_kwargs, batch, column) => {
    const counts = new Map<string, number>();
    for (const row of batch.rows) if (!isNull(row[column])) counts.set(setKey(row[column]), (counts.get(setKey(row[column])) ?? 0) + 1);
    return (v) => counts.get(setKey(v)) === 1;
  }),
  expect_column_values_to_match_regex: columnMap((kwargs) => {
    const regex = regexOf(kwargs);
    return (v) => regex.test(String(v));
  }),
  expect_column_values_to_not_match_regex: columnMap((kwargs) => {
    const regex = regexOf(kwargs);
    return (v) => !regex.test(String(v));
  }),
  expect_column_values_to_match_strftime_format: columnMap((kwargs) => {
    if (typeof kwargs.strftime_format !== "string") throw new ExpectationError(`"strftime_format" must be a string.`);
    matchesStrftime("", kwargs.strftime_format);
    return (v) => typeof v === "string" && matchesStrftime(v, kwargs.strftime_format as string);
  }),
  expect_column_values_to_be_of_type: typeExpectation("type_"),
  expect_column_values_to_be_in_type_list: typeExpectation("type_list"),
  expect_column_pair_values_a_to_be_greater_than_b: rowMap(pairColumns, "both_values_are_missing", (kwargs) => ([a, b]) => {
    if (isNull(a) || isNull(b)) return false;
    return kwargs.or_equal ? compareValue(a, b) >= 0 : compareValue(a, b) > 0;
  }, asTuple),
  expect_column_pair_values_to_be_equal: rowMap(pairColumns, "both_values_are_missing", () => ([a, b]) => !isNull(a) && !isNull(b) && setKey(a) === setKey(b), asTuple),
  expect_multicolumn_sum_to_equal: rowMap(listColumns, "all_values_are_missing", (kwargs) => {
    if (typeof kwargs.sum_total !== "number") throw new ExpectationError(`"sum_total" must be a number.`);
    return (values) => values.reduce<number>((sum, v) => sum + (isNull(v) ? 0 : Number(v)), 0) === kwargs.sum_total;
  }, asRecord),
  expect_compound_columns_to_be_unique: rowMap(listColumns, "all_values_are_missing", (_kwargs, batch, columns) => {
    const counts = new Map<string, number>();
    const keyOf = (values: unknown[]) => JSON.stringify(values.map((v) => (isNull(v) ? null : setKey(v))));
    for (const row of batch.rows) {
      const key = keyOf(columns.map((c) => row[c]));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return (values) => counts.get(keyOf(values)) === 1;
  }, asRecord),
};
