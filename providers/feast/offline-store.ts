import pg from "pg";
import type { Row } from "../../mlops/quality/batch.ts";
import { readFileBatch } from "../../mlops/quality/sources.ts";
import { groupFeatureRefs, type DataSource, type FeatureRepo } from "./definitions.ts";
import { applyFieldMapping, entityTimestampColumn, pointInTimeJoin, type PointInTimeOptions } from "./point-in-time.ts";
import { toMillis } from "./timestamps.ts";

/** Inclusive event-time bounds, epoch ms. */
export interface TimeBounds { from?: number; to?: number }

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The source column a (mapped) name is read from. */
const sourceColumn = (source: DataSource, name: string) => Object.entries(source.fieldMapping ?? {}).find(([, to]) => to === name)?.[0] ?? name;

/**
 * The rows of a view's source within the bounds, renamed by its field mapping. Files are read whole and filtered;
 * PostgreSQL filters in the query, as Feast's postgres store pre-filters `ts <= max(entity ts) AND ts >= min - ttl`.
 */
export async function readSourceRows(source: DataSource, bounds: TimeBounds = {}): Promise<Row[]> {
  let rows: Row[];
  if ("path" in source) {
    rows = applyFieldMapping((await readFileBatch(source.path)).rows, source.fieldMapping);
  } else {
    const [schema, table] = source.table.includes(".") ? source.table.split(".", 2) : ["public", source.table];
    const ts = ident(sourceColumn(source, source.timestampField));
    const where: string[] = [];
    const params: Date[] = [];
    if (bounds.to !== undefined) where.push(`${ts} <= $${params.push(new Date(bounds.to))}`);
    if (bounds.from !== undefined) where.push(`${ts} >= $${params.push(new Date(bounds.from))}`);
    const client = new pg.Client({ connectionString: source.connectionString, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`The offline store's PostgreSQL (${source.connectionString.replace(/\/\/[^@]*@/, "//")}) is unreachable: ${(error as Error).message}`);
    }
    try {
      const result = await client.query(`SELECT * FROM ${ident(schema)}.${ident(table)}${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`, params);
      rows = applyFieldMapping(result.rows as Row[], source.fieldMapping);
    } finally {
      await client.end();
    }
    return rows;
  }
  if (bounds.from === undefined && bounds.to === undefined) return rows;
  return rows.filter((row, i) => {
    const ms = toMillis(row[source.timestampField], `Row ${i} of ${source.path} column "${source.timestampField}"`);
    return ms !== null && (bounds.from === undefined || ms >= bounds.from) && (bounds.to === undefined || ms <= bounds.to);
  });
}

/**
 * `get_historical_features` of Feast's offline store, natively: the entity rows enriched with each requested
 * feature as it was known at the row's timestamp (§3.3).
 */
export async function getHistoricalFeatures(repo: FeatureRepo, entityRows: Row[], request: { features: string[] } & PointInTimeOptions): Promise<Row[]> {
  const groups = groupFeatureRefs(repo, request.features);
  if (entityRows.length === 0) return [];
  const tsColumn = entityTimestampColumn(entityRows);
  const times = entityRows.map((r, i) => toMillis(r[tsColumn], `Entity row ${i} "${tsColumn}"`) ?? NaN);
  const max = Math.max(...times);
  const min = Math.min(...times);
  const views = [];
  for (const { view, features } of groups) {
    const ttlMs = view.ttlSeconds ? view.ttlSeconds * 1000 : 0;
    const rows = await readSourceRows(view.source, { to: max, from: ttlMs > 0 ? min - ttlMs : undefined });
    views.push({ view, features, rows });
  }
  return pointInTimeJoin(entityRows, views, request);
}
