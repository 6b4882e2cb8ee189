import type { Row } from "../../mlops/quality/batch.ts";
import { findView, joinKeysOf, type FeatureRepo, type FeatureView } from "./definitions.ts";
import { readSourceRows } from "./offline-store.ts";
import type { OnlineRecord, OnlineStore } from "./online-store.ts";
import { entityKey } from "./point-in-time.ts";
import { iso, toMillis } from "./timestamps.ts";

export interface MaterializedView { featureView: string; start: string; end: string; rows: number }

const YEAR_MS = 52 * 7 * 24 * 3600 * 1000;

/** The online records of source rows: the latest per entity key by event ts, then created ts. */
export function latestPerEntity(view: FeatureView, rows: Row[]): OnlineRecord[] {
  const keys = joinKeysOf(view);
  const { timestampField, createdTimestampColumn } = view.source;
  const best = new Map<string, OnlineRecord>();
  rows.forEach((row, i) => {
    const eventTs = toMillis(row[timestampField], `Row ${i} of view "${view.name}" column "${timestampField}"`);
    if (eventTs === null) return;
    const createdTs = createdTimestampColumn ? toMillis(row[createdTimestampColumn], `Row ${i} of view "${view.name}" column "${createdTimestampColumn}"`) : null;
    const key = entityKey(row, keys);
    const current = best.get(key);
    if (current && (current.eventTs > eventTs || (current.eventTs === eventTs && (current.createdTs ?? -Infinity) >= (createdTs ?? -Infinity)))) return;
    best.set(key, { entityKey: key, eventTs, createdTs, values: Object.fromEntries([...keys, ...view.features].map((f) => [f, row[f] ?? null])) });
  });
  return [...best.values()];
}

function viewsToMaterialize(repo: FeatureRepo, names?: string[]): FeatureView[] {
  return names?.length ? names.map((n) => findView(repo, n)) : repo.featureViews.filter((v) => v.online !== false);
}

/** `feast materialize start end`: each view's latest rows with start <= ts <= end, upserted online; the interval recorded. */
export async function materialize(repo: FeatureRepo, store: OnlineStore, start: Date | string, end: Date | string, viewNames?: string[]): Promise<MaterializedView[]> {
  const from = toMillis(start, "start_ts");
  const to = toMillis(end, "end_ts");
  if (from === null || to === null) throw new Error("Materialization needs start_ts and end_ts.");
  if (from >= to) throw new Error(`start_ts (${iso(from)}) must be before end_ts (${iso(to)}).`);
  const done: MaterializedView[] = [];
  for (const view of viewsToMaterialize(repo, viewNames)) done.push(await materializeView(repo, store, view, from, to));
  return done;
}

async function materializeView(repo: FeatureRepo, store: OnlineStore, view: FeatureView, from: number, to: number): Promise<MaterializedView> {
  const records = latestPerEntity(view, await readSourceRows(view.source, { from, to }));
  await store.write(repo.project, view.name, records);
  await store.recordMaterialization(repo.project, view.name, from, to);
  return { featureView: view.name, start: iso(from), end: iso(to), rows: records.length };
}

/**
 * `feast materialize-incremental end`: each view continues from its last materialized end; a view never
 * materialized starts at now - ttl (ttl 0: now - 52 weeks; no ttl: an error).
 */
export async function materializeIncremental(repo: FeatureRepo, store: OnlineStore, end: Date | string, viewNames?: string[], now = Date.now()): Promise<MaterializedView[]> {
  const to = toMillis(end, "end_ts");
  if (to === null) throw new Error("materialize-incremental needs end_ts.");
  const done: MaterializedView[] = [];
  for (const view of viewsToMaterialize(repo, viewNames)) {
    const last = await store.lastMaterializedEnd(repo.project, view.name);
    const ttl = view.ttlSeconds === undefined ? 0 : view.ttlSeconds;
    let from: number;
    if (last !== null) from = last;
    else if (ttl === null) throw new Error(`Feature view "${view.name}" has no ttl and was never materialized: give it a ttl or run one "materialize" first.`);
    else from = ttl > 0 ? now - ttl * 1000 : now - YEAR_MS;
    if (from >= to) {
      done.push({ featureView: view.name, start: iso(from), end: iso(to), rows: 0 });
      continue;
    }
    done.push(await materializeView(repo, store, view, from, to));
  }
  return done;
}
