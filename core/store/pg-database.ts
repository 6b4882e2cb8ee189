import pg from "pg";
import { UpdraftError } from "../errors.ts";
import type { Capabilities, Database, Queryable, QueryResult } from "./database.ts";
import { databaseError, isConnectionError, openFailure } from "./errors.ts";
import { INT8_OID, parseInt8 } from "./type-parsers.ts";

const CAPABILITIES: Capabilities = { multiProcess: true, crossProcessNotify: true, autovacuum: true };
// After losing the LISTEN connection (server restart), how often to try again; callers poll meanwhile.
const RELISTEN_DELAY_MS = 1000;

const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary" ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function run(client: pg.Pool | pg.PoolClient, description: string, sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult> {
  try {
    return await client.query(sql, params as unknown[]);
  } catch (error) {
    throw databaseError(error, description, sql);
  }
}

function wrap(client: pg.Pool | pg.PoolClient, description: string): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await run(client, description, sql, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await run(client, description, sql);
    },
  };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** "PostgreSQL host:port/database": what logs and errors name, never the user or password. */
export function describePostgres(url: string, schema?: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UpdraftError("DB_URL_INVALID", "UPDRAFT_DATABASE_URL is not a valid URL: expected postgres://user:password@host:5432/database.");
  }
  const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
  const shown = schema ?? schemaInUrl(url);
  return `PostgreSQL ${host}:${parsed.port || 5432}${parsed.pathname}${shown ? ` (schema ${shown})` : ""}`;
}

/** The schema a URL selects with `?options=-c search_path=…`, if any. */
export function schemaInUrl(url: string): string | undefined {
  try {
    return /search_path=([^\s,]+)/.exec(new URL(url).searchParams.get("options") ?? "")?.[1];
  } catch {
    return undefined;
  }
}

/** Server PostgreSQL through a `pg` pool. Transactions take a client of their own; LISTEN holds one dedicated client. */
export class PgDatabase implements Database {
  readonly kind = "postgres" as const;
  readonly capabilities = CAPABILITIES;
  private readonly queryable: Queryable;
  private listener: Promise<pg.PoolClient> | undefined;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    readonly description: string,
  ) {
    this.queryable = wrap(pool, description);
  }

  static async open(url: string, options: { schema?: string; max?: number; applicationName?: string } = {}): Promise<PgDatabase> {
    const description = describePostgres(url, options.schema);
    // A schema named in the URL is created like one given in options, so a fresh schema works on first start.
    const schemaToCreate = options.schema ?? schemaInUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types: TYPES,
      application_name: options.applicationName ?? "updraft",
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client losing its connection (server restart) must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    const db = new PgDatabase(pool, description);
    try {
      // Two processes creating one schema at once: the loser sees it exist (42P06) or hits the catalog's unique index.
      if (schemaToCreate) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemaToCreate)}`).catch(ignoreCodes("42P06", "23505"));
      else await db.query("SELECT 1");
    } catch (error) {
      await pool.end().catch(() => {});
      throw openFailure(error, description);
    }
    return db;
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.queryable.query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.queryable.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect();
    // A connection lost between statements is reported on the client; without a listener it would crash the process.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    client.on("error", onError);
    try {
      await run(client, this.description, "BEGIN");
      const result = await fn(wrap(client, this.description));
      const commit = await run(client, this.description, "COMMIT");
      // PostgreSQL answers COMMIT with ROLLBACK, without an error, when a statement of the transaction failed.
      if (commit.command === "ROLLBACK") throw Object.assign(new Error("Transaction was rolled back instead of committed: a statement in it failed"), { code: "25P02" });
      return result;
    } catch (error) {
      if (isConnectionError(error)) lost ??= error as Error;
      else await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.off("error", onError);
      client.release(lost);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let handlers = this.handlers.get(channel);
    const isNew = !handlers;
    if (!handlers) this.handlers.set(channel, (handlers = new Set()));
    const own = handlers;
    own.add(onNotify);
    try {
      const client = await this.listenerClient();
      if (isNew) await run(client, this.description, `LISTEN ${quoteIdent(channel)}`);
    } catch (error) {
      this.removeHandler(channel, own, onNotify);
      throw error;
    }
    return async () => {
      if (!this.removeHandler(channel, own, onNotify)) return;
      const client = await this.listener?.catch(() => undefined);
      if (client && !this.closed) await run(client, this.description, `UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
    };
  }

  async notify(channel: string, payload: string): Promise<void> {
    await run(this.pool, this.description, "SELECT pg_notify($1, $2)", [channel, payload]);
  }

  /** PostgreSQL's autovacuum does this. */
  async maintain(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listener = await this.listener?.catch(() => undefined);
    listener?.release(true);
    this.listener = undefined;
    await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw databaseError(error, this.description);
    }
  }

  /** Removes a handler; true when it was the channel's last one. */
  private removeHandler(channel: string, handlers: Set<(payload: string) => void>, onNotify: (payload: string) => void): boolean {
    handlers.delete(onNotify);
    if (handlers.size > 0 || this.handlers.get(channel) !== handlers) return false;
    this.handlers.delete(channel);
    return true;
  }

  private listenerClient(): Promise<pg.PoolClient> {
    this.listener ??= this.connectListener().catch((error) => {
      this.listener = undefined;
      throw error;
    });
    return this.listener;
  }

  private async connectListener(): Promise<pg.PoolClient> {
    const client = await this.connect();
    client.on("notification", (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? "");
    });
    client.once("error", (error) => this.lostListener(client, error));
    for (const channel of this.handlers.keys()) await run(client, this.description, `LISTEN ${quoteIdent(channel)}`);
    return client;
  }

  /** Notifications sent while the LISTEN connection is down are lost: listeners must not rely on them alone. */
  private lostListener(client: pg.PoolClient, error: Error): void {
    client.on("error", () => {});
    client.release(error);
    this.listener = undefined;
    const retry = () => {
      if (this.closed || this.listener || this.handlers.size === 0) return;
      this.listenerClient().catch(() => setTimeout(retry, RELISTEN_DELAY_MS).unref());
    };
    setTimeout(retry, RELISTEN_DELAY_MS).unref();
  }
}

function ignoreCodes(...codes: string[]): (error: unknown) => void {
  return (error) => {
    if (!codes.includes((error as { code?: string }).code ?? "")) throw error;
  };
}
