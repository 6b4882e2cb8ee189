import { isNull, type Batch } from "./batch.ts";
import { betweenEvaluation, compareValue, ExpectationError, requireColumn, type ExpectationImpl, type Kwargs } from "./expectation.ts";
import { expectKlDivergence } from "./kl-divergence.ts";
import { setKey } from "./map-expectations.ts";
import { compareAny } from "./results.ts";

function present(batch: Batch, column: string): unknown[] {
  return batch.rows.map((row) => row[column]).filter((v) => !isNull(v)).map((v) => (typeof v === "bigint" ? Number(v) : v));
}

function numbers(batch: Batch, column: string): number[] {
  const values = present(batch, column);
  const bad = values.find((v) => typeof v !== "number");
  if (bad !== undefined) throw new ExpectationError(`Column "${column}" is not numeric (found ${JSON.stringify(bad)}).`);
  return values as number[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
/** Sample standard deviation (ddof=1), as pandas `std()`. */
export function stdev(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
/** Linear-interpolated quantile (numpy's default), q in [0, 1]. */
export function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

function extreme(batch: Batch, column: string, pick: (c: number) => boolean): unknown {
  const values = present(batch, column);
  if (!values.length) return null;
  return values.reduce((a, b) => (pick(compareValue(b, a)) ? b : a));
}

function aggregate(metric: (batch: Batch, column: string, kwargs: Kwargs) => unknown): ExpectationImpl {
  return (batch, kwargs) => betweenEvaluation(metric(batch, requireColumn(batch, kwargs), kwargs), kwargs);
}

function distinct(batch: Batch, column: string): { values: unknown[]; counts: Array<{ value: unknown; count: number }> } {
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const value of present(batch, column)) {
    const entry = counts.get(setKey(value)) ?? { value, count: 0 };
    entry.count++;
    counts.set(setKey(value), entry);
  }
  const sorted = [...counts.values()].sort((a, b) => compareAny(a.value, b.value));
  return { values: sorted.map((e) => e.value), counts: sorted };
}

function distinctSet(relation: (observed: Set<string>, expected: Set<string>) => boolean, emptySetSucceeds: boolean): ExpectationImpl {
  return (batch, kwargs) => {
    const column = requireColumn(batch, kwargs);
    const { values, counts } = distinct(batch, column);
    const result = { observed_value: values, details: { value_counts: counts } };
    const set = kwargs.value_set;
    if (set === null || set === undefined || (Array.isArray(set) && set.length === 0 && emptySetSucceeds)) return { success: true, result };
    if (!Array.isArray(set)) throw new ExpectationError(`"value_set" must be a list.`);
    return { success: relation(new Set(values.map(setKey)), new Set(set.map(setKey))), result };
  };
}
const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));

export const AGGREGATE_EXPECTATIONS: Record<string, ExpectationImpl> = {
  expect_column_kl_divergence_to_be_less_than: expectKlDivergence,
  expect_column_mean_to_be_between: aggregate((b, c) => mean(numbers(b, c))),
  expect_column_median_to_be_between: aggregate((b, c) => median(numbers(b, c))),
  expect_column_min_to_be_between: aggregate((b, c) => extreme(b, c, (x) => x < 0)),
  expect_column_max_to_be_between: aggregate((b, c) => extreme(b, c, (x) => x > 0)),
  expect_column_sum_to_be_between: aggregate((b, c) => numbers(b, c).reduce((a, x) => a + x, 0)),
  expect_column_stdev_to_be_between: aggregate((b, c) => stdev(numbers(b, c))),
  expect_column_unique_value_count_to_be_between: aggregate((b, c) => distinct(b, c).values.length),
  expect_column_proportion_of_unique_values_to_be_between: aggregate((b, c) => {
    const n = present(b, c).length;
    return n === 0 ? 0 : distinct(b, c).values.length / n;
  }),
  expect_column_distinct_values_to_be_in_set: distinctSet(subset, true),
  expect_column_distinct_values_to_contain_set: distinctSet((observed, expected) => subset(expected, observed), false),
  expect_column_distinct_values_to_equal_set: distinctSet((observed, expected) => subset(observed, expected) && subset(expected, observed), false),
  expect_column_most_common_value_to_be_in_set: (batch, kwargs) => {
    const column = requireColumn(batch, kwargs);
    if (!Array.isArray(kwargs.value_set)) throw new ExpectationError(`"value_set" must be a list.`);
    const { counts } = distinct(batch, column);
    const top = Math.max(0, ...counts.map((e) => e.count));
    const modes = counts.filter((e) => e.count === top && top > 0).map((e) => e.value);
    const set = new Set(kwargs.value_set.map(setKey));
    const success = kwargs.ties_okay ? modes.some((m) => set.has(setKey(m))) : modes.length === 1 && set.has(setKey(modes[0]));
    return { success, result: { observed_value: modes } };
  },
  expect_column_quantile_values_to_be_between: (batch, kwargs) => {
    const column = requireColumn(batch, kwargs);
    const ranges = kwargs.quantile_ranges as { quantiles?: number[]; value_ranges?: Array<[number | null, number | null]> } | undefined;
    if (!ranges?.quantiles || !ranges.value_ranges || ranges.quantiles.length !== ranges.value_ranges.length) {
      throw new ExpectationError(`"quantile_ranges" needs "quantiles" and "value_ranges" of the same length.`);
    }
    const sorted = numbers(batch, column).sort((a, b) => a - b);
    if (!sorted.length) return { success: false, result: { observed_value: null } };
    const values = ranges.quantiles.map((q) => quantile(sorted, q));
    const inRange = values.map((v, i) => {
      const [lo, hi] = ranges.value_ranges![i];
      return (lo === null || v >= lo) && (hi === null || v <= hi);
    });
    return {
      success: inRange.every(Boolean),
      result: { observed_value: { quantiles: ranges.quantiles, values }, details: { success_details: inRange } },
    };
  },
};
