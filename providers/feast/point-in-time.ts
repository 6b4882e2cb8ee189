import type { Row } from "../../mlops/quality/batch.ts";
import { joinKeysOf, type FeatureView } from "./definitions.ts";
import { isTimestampCell, toMillis } from "./timestamps.ts";

export interface ViewRows {
  view: FeatureView;
  /** The requested features of the view. */
  features: string[];
  /** The source's rows, already renamed by the view's fieldMapping. */
  rows: Row[];
}

export interface PointInTimeOptions {
  fullFeatureNames?: boolean;
  /** Also require `created <= entity ts` (Feast's filter_by_created_timestamp). */
  filterByCreatedTimestamp?: boolean;
}

/** The entity dataframe's timestamp column: `event_timestamp`, else its only datetime column. */
export function entityTimestampColumn(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (columns.includes("event_timestamp")) return "event_timestamp";
  const datetime = columns.filter((c) => rows.some((r) => r[c] !== null && r[c] !== undefined) && rows.every((r) => r[c] === null || r[c] === undefined || isTimestampCell(r[c])));
  if (datetime.length === 1) return datetime[0];
  throw new Error(datetime.length === 0
    ? `The entity dataframe has no "event_timestamp" column and no datetime column (columns: ${columns.join(", ")}).`
    : `The entity dataframe has no "event_timestamp" column and several datetime columns (${datetime.join(", ")}): rename the one to join on to "event_timestamp".`);
}

export const featureColumnName = (view: string, feature: string, full: boolean) => (full ? `${view}__${feature}` : feature);

/** One string per join-key tuple; numbers and their CSV strings ("1001") meet. */
export const entityKey = (row: Row, keys: string[]) => JSON.stringify(keys.map((k) => (row[k] === null || row[k] === undefined ? null : String(row[k]))));

interface Candidate { ts: number; created: number | null; row: Row }

/**
 * Feast's point-in-time join (INTEGRATIONS.md §3.3): for each entity row and each view, the source row with matching
 * join keys and the greatest event timestamp in [entity ts - ttl, entity ts] (ttl 0/None = unbounded), ties broken by
 * the greatest created timestamp. One output row per input row, input order kept, features NULL without a match.
 */
export function pointInTimeJoin(entityRows: Row[], views: ViewRows[], options: PointInTimeOptions = {}): Row[] {
  const full = options.fullFeatureNames ?? false;
  const seen = new Map<string, string>();
  for (const { view, features } of views) {
    for (const feature of features) {
      const name = featureColumnName(view.name, feature, full);
      const other = seen.get(name);
      if (other) throw new Error(`Feature name collision: "${name}" is in views "${other}" and "${view.name}"; request full feature names (fullFeatureNames: true).`);
      seen.set(name, view.name);
    }
  }
  if (entityRows.length === 0) return [];
  const tsColumn = entityTimestampColumn(entityRows);
  const entityTs = entityRows.map((row, i) => {
    const ms = toMillis(row[tsColumn], `Entity row ${i} "${tsColumn}"`);
    if (ms === null) throw new Error(`Entity row ${i} has no "${tsColumn}".`);
    return ms;
  });

  const output = entityRows.map((row) => ({ ...row }));
  for (const { view, features, rows } of views) {
    const keys = joinKeysOf(view);
    const missing = keys.filter((k) => !entityRows.every((r) => k in r));
    if (missing.length) throw new Error(`The entity dataframe lacks join key ${missing.map((k) => `"${k}"`).join(", ")} of feature view "${view.name}".`);
    const { timestampField, createdTimestampColumn } = view.source;
    const byKey = new Map<string, Candidate[]>();
    rows.forEach((row, i) => {
      const ts = toMillis(row[timestampField], `Row ${i} of view "${view.name}" column "${timestampField}"`);
      if (ts === null) return; // a row without an event time can never be "as of" anything
      const created = createdTimestampColumn ? toMillis(row[createdTimestampColumn], `Row ${i} of view "${view.name}" column "${createdTimestampColumn}"`) : null;
      const key = entityKey(row, keys);
      const list = byKey.get(key) ?? [];
      list.push({ ts, created, row });
      byKey.set(key, list);
    });
    const ttlMs = view.ttlSeconds ? view.ttlSeconds * 1000 : 0;
    entityRows.forEach((entityRow, i) => {
      const ts = entityTs[i];
      let best: Candidate | undefined;
      for (const candidate of byKey.get(entityKey(entityRow, keys)) ?? []) {
        if (candidate.ts > ts) continue;
        if (ttlMs > 0 && candidate.ts < ts - ttlMs) continue;
        if (options.filterByCreatedTimestamp && createdTimestampColumn && candidate.created !== null && candidate.created > ts) continue;
        if (!best || candidate.ts > best.ts || (candidate.ts === best.ts && (candidate.created ?? -Infinity) > (best.created ?? -Infinity))) best = candidate;
      }
      for (const feature of features) output[i][featureColumnName(view.name, feature, full)] = best ? best.row[feature] ?? null : null;
    });
  }
  return output;
}

/** Applies a source's field mapping (source column → name) to its rows. */
export function applyFieldMapping(rows: Row[], mapping: Record<string, string> | undefined): Row[] {
  if (!mapping || Object.keys(mapping).length === 0) return rows;
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [mapping[k] ?? k, v])));
}
