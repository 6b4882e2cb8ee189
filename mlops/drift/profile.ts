import { isNull, type Row } from "../quality/batch.ts";
import { inferKind, type ColumnKind } from "./column-type.ts";

export interface ColumnProfile {
  column: string;
  kind: ColumnKind;
  count: number;
  missing: number;
  missingShare: number;
  distinct: number;
  /** numerical: mean, std (ddof=1, as pandas describe), min, quartiles (linear), max. */
  stats?: { mean: number; std: number | null; min: number; p25: number; p50: number; p75: number; max: number };
  /** categorical: the most frequent values. */
  top?: Array<{ value: string; count: number }>;
}

function q(sorted: number[], p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
}

/** One profile per column: what `pandas.describe()` and Evidently's column summary report. */
export function profileColumns(rows: Row[], columns?: string[]): ColumnProfile[] {
  const names = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return names.map((column) => {
    const values = rows.map((r) => r[column]);
    const present = values.filter((v) => !isNull(v));
    const kind = inferKind(values);
    const profile: ColumnProfile = {
      column, kind, count: values.length, missing: values.length - present.length,
      missingShare: values.length ? (values.length - present.length) / values.length : 0,
      distinct: new Set(present.map((v) => (v instanceof Date ? v.toISOString() : String(v)))).size,
    };
    if (kind === "numerical" || (present.length && present.every((v) => typeof v === "number"))) {
      const xs = (present as number[]).sort((a, b) => a - b);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
      profile.stats = { mean, std, min: xs[0], p25: q(xs, 0.25), p50: q(xs, 0.5), p75: q(xs, 0.75), max: xs[xs.length - 1] };
    }
    if (kind === "categorical") {
      const counts = new Map<string, number>();
      for (const v of present) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      profile.top = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, 10);
    }
    return profile;
  });
}
