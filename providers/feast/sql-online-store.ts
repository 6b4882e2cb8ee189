import { lastPerKey, type OnlineRecord, type OnlineStore } from "./online-store.ts";

/** What the store needs of a SQL client: `pg.Pool`, `pg.Client` and PGlite all fit. */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

const CREATE = `
CREATE TABLE IF NOT EXISTS feast_online_features (
  project text NOT NULL, feature_view text NOT NULL, entity_key text NOT NULL,
  feature_values jsonb NOT NULL, event_ts timestamptz NOT NULL, created_ts timestamptz,
  PRIMARY KEY (project, feature_view, entity_key));
CREATE TABLE IF NOT EXISTS feast_materialization_intervals (
  project text NOT NULL, feature_view text NOT NULL, start_ts timestamptz NOT NULL, end_ts timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now())`;

/** $1 project, $2 view, $3 jsonb array of {k, v, e, c}: one statement per batch; keys are unique within it. */
const UPSERT = `
INSERT INTO feast_online_features (project, feature_view, entity_key, feature_values, event_ts, created_ts)
SELECT $1, $2, r.k, r.v, r.e, r.c FROM jsonb_to_recordset($3::jsonb) AS r(k text, v jsonb, e timestamptz, c timestamptz)
ON CONFLICT (project, feature_view, entity_key)
DO UPDATE SET feature_values = EXCLUDED.feature_values, event_ts = EXCLUDED.event_ts, created_ts = EXCLUDED.created_ts`;

/** $1 project, $2 view, $3 text[] entity keys. */
const READ = `
SELECT entity_key, feature_values, event_ts FROM feast_online_features
WHERE project = $1 AND feature_view = $2 AND entity_key = ANY($3::text[])`;

const RECORD = "INSERT INTO feast_materialization_intervals (project, feature_view, start_ts, end_ts) VALUES ($1, $2, $3, $4)";
const LAST_END = "SELECT max(end_ts) AS end_ts FROM feast_materialization_intervals WHERE project = $1 AND feature_view = $2";

/** Feast's postgres online store shape, on PostgreSQL or embedded PGlite: one table of feature rows, upserted. */
export class SqlOnlineStore implements OnlineStore {
  private ready: Promise<void> | undefined;
  constructor(private readonly client: SqlClient, private readonly onClose?: () => Promise<void>) {}

  private ensure(): Promise<void> {
    this.ready ??= (async () => {
      for (const statement of CREATE.split(";")) await this.client.query(statement);
    })();
    return this.ready;
  }

  async write(project: string, view: string, records: OnlineRecord[]): Promise<void> {
    await this.ensure();
    const unique = lastPerKey(records);
    for (let i = 0; i < unique.length; i += 1000) {
      const batch = unique.slice(i, i + 1000).map((r) => ({
        k: r.entityKey, v: r.values, e: new Date(r.eventTs).toISOString(), c: r.createdTs === null ? null : new Date(r.createdTs).toISOString(),
      }));
      await this.client.query(UPSERT, [project, view, JSON.stringify(batch)]);
    }
  }

  async read(project: string, view: string, entityKeys: string[]) {
    await this.ensure();
    const result = await this.client.query(READ, [project, view, entityKeys]);
    const found = new Map<string, { values: Record<string, unknown>; eventTs: number }>();
    for (const row of result.rows as Array<{ entity_key: string; feature_values: unknown; event_ts: Date | string }>) {
      const values = (typeof row.feature_values === "string" ? JSON.parse(row.feature_values) : row.feature_values) as Record<string, unknown>;
      found.set(row.entity_key, { values, eventTs: new Date(row.event_ts).getTime() });
    }
    return found;
  }

  async recordMaterialization(project: string, view: string, start: number, end: number): Promise<void> {
    await this.ensure();
    await this.client.query(RECORD, [project, view, new Date(start).toISOString(), new Date(end).toISOString()]);
  }

  async lastMaterializedEnd(project: string, view: string): Promise<number | null> {
    await this.ensure();
    const row = (await this.client.query(LAST_END, [project, view])).rows[0] as { end_ts: Date | string | null } | undefined;
    return row?.end_ts ? new Date(row.end_ts).getTime() : null;
  }

  async close(): Promise<void> {
    await this.onClose?.();
  }
}

/** An online store in a PGlite folder (embedded; one process at a time), or in memory without a folder. */
export async function openPgliteOnlineStore(dataDir?: string): Promise<SqlOnlineStore> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(dataDir);
  return new SqlOnlineStore(db, () => db.close());
}

/** An online store in a PostgreSQL database (tables created on first use). */
export async function openPostgresOnlineStore(connectionString: string): Promise<SqlOnlineStore> {
  const pg = (await import("pg")).default;
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 5000 });
  return new SqlOnlineStore(pool, () => pool.end());
}
