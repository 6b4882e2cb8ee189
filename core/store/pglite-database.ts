import { mkdir } from "node:fs/promises";
import { PGlite, type PGliteOptions, type Results, type Transaction } from "@electric-sql/pglite";
import type { Capabilities, Database, Queryable, QueryResult } from "./database.ts";
import { databaseError } from "./errors.ts";
import { PglitePreparedStatements } from "./pglite-prepared.ts";
import { INT8_OID, parseInt8 } from "./type-parsers.ts";

const CAPABILITIES: Capabilities = { multiProcess: false, crossProcessNotify: false, autovacuum: false };
/** The tables every try updates several times over; the rest change too rarely to need it. */
const BUSY_TABLES = ["task_instance", "task_instance_history", "dag_run", "xcom", "rendered_task_instance_fields", "task_log", "job", "callback_request", "dag"];
const OPTIONS: PGliteOptions = { parsers: { [INT8_OID]: parseInt8 } };

/** PostgreSQL refused a prepared statement whose plan the schema made stale (the result type changed, or it is gone). */
const STALE_STATEMENT_CODES = new Set(["0A000", "26000"]);

/**
 * Statements through the prepared-statement cache. At the top level (no `tx`) each statement waits for
 * any open transaction, as PGlite's own `query()` does, and its writes are synced to disk after it.
 */
function wrap(pg: PGlite, prepared: PglitePreparedStatements, description: string, tx?: Transaction): Queryable {
  const inTransaction = tx !== undefined;
  const runOnce = (sql: string, params: readonly unknown[]) =>
    pg._runExclusiveQuery(async () => {
      const result = await prepared.run(sql, params);
      if (!inTransaction) await pg.syncToFs();
      return result;
    });
  const run = async (sql: string, params: readonly unknown[]) => {
    try {
      return await runOnce(sql, params);
    } catch (error) {
      if (!STALE_STATEMENT_CODES.has((error as { code?: string }).code ?? "")) throw error;
      prepared.forget(sql);
      // Inside a transaction the failure aborted it: the caller's transaction must fail and be retried as a whole.
      if (inTransaction) throw error;
      return runOnce(sql, params);
    }
  };
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      try {
        const result = (await (inTransaction ? run(sql, params) : pg._runExclusiveTransaction(() => run(sql, params)))) as Results<R>;
        // PGlite counts only written rows in affectedRows (0 for a SELECT).
        return { rows: result.rows, rowCount: result.rows.length > 0 ? result.rows.length : (result.affectedRows ?? 0) };
      } catch (error) {
        throw databaseError(error, description, sql);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        // Several statements, usually DDL: plans prepared before may no longer fit the schema.
        prepared.reset();
        await (tx ?? pg).exec(sql);
      } catch (error) {
        throw databaseError(error, description, sql);
      }
    },
  };
}

export interface PgliteOpenOptions {
  /** Runs after the database is closed (the embedded lock's release). */
  onClose?: () => Promise<void>;
}

/**
 * The embedded database: PGlite in a data directory (or in memory). One connection in one process; PGlite runs
 * statements one at a time and its `transaction()` holds everything else back until it ends, rolling back on error,
 * so a failed statement never leaves the connection aborted for later queries.
 */
export class PgliteDatabase implements Database {
  readonly kind = "pglite" as const;
  readonly capabilities = CAPABILITIES;
  private readonly queryable: Queryable;
  private readonly prepared: PglitePreparedStatements;
  private closed = false;

  private constructor(
    private readonly pg: PGlite,
    readonly description: string,
    private readonly onClose?: () => Promise<void>,
  ) {
    this.prepared = new PglitePreparedStatements(pg);
    this.queryable = wrap(pg, this.prepared, description);
  }

  static async open(dataDir?: string, options: PgliteOpenOptions = {}): Promise<PgliteDatabase> {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const pg = await PGlite.create({ ...OPTIONS, dataDir });
    return new PgliteDatabase(pg, dataDir ? `embedded PGlite at ${dataDir}` : "embedded PGlite in memory", options.onClose);
  }

  /**
   * A new in-memory database holding a copy of `dump()`'s. Loading a dump skips initdb: 0.7 s instead of 2.6–4 s
   * (measured), which is what makes a fresh migrated database per test affordable.
   */
  static async fromDump(dump: Blob): Promise<PgliteDatabase> {
    const pg = await PGlite.create({ ...OPTIONS, loadDataDir: dump });
    return new PgliteDatabase(pg, "embedded PGlite in memory");
  }

  /** The whole data directory as an uncompressed tarball, for `fromDump`. */
  dump(): Promise<Blob> {
    return this.pg.dumpDataDir("none");
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.queryable.query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.queryable.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // Statements inside go through the same prepared cache; PGlite's transaction holds the transaction lock meanwhile.
    return this.pg.transaction((tx) => fn(wrap(this.pg, this.prepared, this.description, tx)));
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.pg.listen(channel, onNotify);
    return () => unlisten();
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  async maintain(): Promise<void> {
    // Through PGlite itself rather than `exec`: VACUUM changes no schema, so the prepared statements stay valid.
    await this.pg.exec(`VACUUM (ANALYZE) ${BUSY_TABLES.join(", ")}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pg.close();
    } finally {
      await this.onClose?.();
    }
  }
}
