import type { Row } from "../quality/batch.ts";
import { cleanValues, inferKind, type ColumnKind } from "./column-type.ts";
import { runStatTest, STAT_TESTS, type StatTestId } from "./stattests.ts";

/** The options of Evidently's DataDriftPreset, camelCased. */
export interface DataDriftOptions {
  /** Share of drifted columns at or above which the dataset drifts (default 0.5). */
  driftShare?: number;
  columns?: string[];
  /** Column kinds to use instead of inferring them. */
  columnMapping?: { numerical?: string[]; categorical?: string[] };
  method?: StatTestId; numMethod?: StatTestId; catMethod?: StatTestId; perColumnMethod?: Record<string, StatTestId>;
  threshold?: number; numThreshold?: number; catThreshold?: number; perColumnThreshold?: Record<string, number>;
}

export interface ColumnDrift { column: string; kind: ColumnKind; method: StatTestId; methodName: string; statistic: number; threshold: number; drifted: boolean; referenceCount: number; currentCount: number }
export interface DataDriftReport { columns: ColumnDrift[]; skipped: Array<{ column: string; reason: string }>; numberOfColumns: number; numberOfDriftedColumns: number; shareOfDriftedColumns: number; driftShare: number; datasetDrift: boolean }

/** Evidently's default stattest for a column (INTEGRATIONS.md §6.1). */
export function defaultMethod(kind: "numerical" | "categorical", referenceCount: number, distinct: number): StatTestId {
  if (referenceCount <= 1000) {
    if (kind === "numerical" && distinct > 5) return "ks";
    return distinct > 2 ? "chisquare" : "z";
  }
  return kind === "numerical" && distinct > 5 ? "wasserstein" : "jensenshannon";
}

export function dataDrift(reference: Row[], current: Row[], options: DataDriftOptions = {}): DataDriftReport {
  if (reference.length === 0 || current.length === 0) throw new Error(`Drift needs rows on both sides (reference: ${reference.length}, current: ${current.length}).`);
  const driftShare = options.driftShare ?? 0.5;
  const names = options.columns ?? [...new Set(reference.flatMap((r) => Object.keys(r)))];
  const columns: ColumnDrift[] = [];
  const skipped: DataDriftReport["skipped"] = [];
  for (const column of names) {
    const mapped: ColumnKind | undefined = options.columnMapping?.numerical?.includes(column) ? "numerical" : options.columnMapping?.categorical?.includes(column) ? "categorical" : undefined;
    const kind = mapped ?? inferKind(reference.map((r) => r[column]));
    if (kind === "skipped" || kind === "datetime") {
      skipped.push({ column, reason: kind === "datetime" ? "datetime columns are not tested" : "empty, mixed-type or id-like column" });
      continue;
    }
    const ref = cleanValues(reference, column);
    const cur = cleanValues(current, column);
    if (ref.length === 0 || cur.length === 0) {
      skipped.push({ column, reason: `no non-null values in the ${ref.length === 0 ? "reference" : "current"} data` });
      continue;
    }
    if (kind === "numerical" && [...ref, ...cur].some((v) => typeof v !== "number")) throw new Error(`Column "${column}" is mapped as numerical but holds non-numbers.`);
    const distinct = new Set([...ref, ...cur].map(String)).size;
    const method = options.perColumnMethod?.[column] ?? options.method ?? (kind === "numerical" ? options.numMethod : options.catMethod) ?? defaultMethod(kind, ref.length, distinct);
    if (!(method in STAT_TESTS)) throw new Error(`Unknown drift method "${method}" for column "${column}": use one of ${Object.keys(STAT_TESTS).join(", ")}.`);
    const threshold = options.perColumnThreshold?.[column] ?? options.threshold ?? (kind === "numerical" ? options.numThreshold : options.catThreshold);
    const result = runStatTest(method, ref, cur, kind === "numerical", threshold);
    columns.push({ column, kind, ...result, methodName: STAT_TESTS[method].name, referenceCount: ref.length, currentCount: cur.length });
  }
  const drifted = columns.filter((c) => c.drifted).length;
  const share = columns.length ? drifted / columns.length : 0;
  return { columns, skipped, numberOfColumns: columns.length, numberOfDriftedColumns: drifted, shareOfDriftedColumns: share, driftShare, datasetDrift: columns.length > 0 && share >= driftShare };
}
