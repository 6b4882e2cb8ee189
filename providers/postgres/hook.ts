import { createReadStream, createWriteStream, existsSync, writeFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import type { TaskLogger } from "../../core/context.ts";
import type { ConnectionInfo } from "../../core/types.ts";
import { getConnection } from "../common/connection.ts";
import type { QueryResult, RunOptions, SqlHook } from "../common-sql/hook.ts";
import { splitStatements, toNumberedPlaceholders, type SqlParameters } from "../common-sql/sql-text.ts";
import { poolConfigFor } from "./connection-config.ts";

export interface PostgresHookOptions {
  /** Default "postgres_default", as in Airflow. */
  postgresConnId?: string;
  /** The connection itself, when the caller has already looked it up. */
  connection?: ConnectionInfo;
  /** Overrides the connection's schema (Airflow's `database`). */
  database?: string;
  log?: TaskLogger;
}

export interface InsertRowsOptions {
  targetFields?: readonly string[];
  /** Rows per INSERT statement and commit. Default 1000. */
  commitEvery?: number;
  /** Upsert: `ON CONFLICT (replaceIndex) DO UPDATE` the other target fields. */
  replace?: boolean;
  replaceIndex?: string | readonly string[];
}

/** A transaction's session: statements on one client between BEGIN and COMMIT. */
export interface PostgresSession {
  query(sql: string, parameters?: SqlParameters): Promise<QueryResult>;
}

// One pool per connection configuration per process: a warm runner reuses it across tries.
const pools = new Map<string, pg.Pool>();

/** Airflow's PostgresHook on node-postgres: a pool per connection, statements, transactions, bulk COPY. */
export class PostgresHook implements SqlHook {
  readonly postgresConnId: string;
  private connection: ConnectionInfo | undefined;
  private readonly database: string | undefined;
  private readonly log: TaskLogger | undefined;

  constructor(options: PostgresHookOptions = {}) {
    this.postgresConnId = options.postgresConnId ?? options.connection?.connId ?? "postgres_default";
    this.connection = options.connection;
    this.database = options.database;
    this.log = options.log;
  }

  async getConnection(): Promise<ConnectionInfo> {
    this.connection ??= await getConnection(this.postgresConnId);
    if (this.connection.connType !== "postgres" && this.connection.connType !== "postgresql") {
      throw new Error(`Connection "${this.postgresConnId}" is of type "${this.connection.connType}", not postgres: PostgresHook needs a postgres:// connection.`);
    }
    return this.connection;
  }

  /** The pool for this connection (Airflow's `get_conn`). */
  async getConn(): Promise<pg.Pool> {
    const config = poolConfigFor(await this.getConnection(), this.database);
    const key = JSON.stringify(config);
    let pool = pools.get(key);
    if (!pool) {
      pool = new pg.Pool(config);
      pool.on("error", () => {}); // an idle client dropped by the server; the next checkout reconnects
      pools.set(key, pool);
    }
    return pool;
  }

  /** `postgresql://login:password@host:port/schema` of the connection. */
  async getUri(): Promise<string> {
    const c = await this.getConnection();
    const auth = c.login ? `${encodeURIComponent(c.login)}${c.password ? `:${encodeURIComponent(c.password)}` : ""}@` : "";
    return `postgresql://${auth}${c.host ?? "localhost"}:${c.port ?? 5432}/${this.database ?? c.schema ?? ""}`;
  }

  async run<T = unknown>(sql: string | readonly string[], options: RunOptions<T> = {}): Promise<T | T[] | null> {
    const { autocommit = false, parameters, handler, returnLast = true } = options;
    const statements = typeof sql === "string" ? (options.splitStatements ? splitStatements(sql) : [sql]) : [...sql];
    if (statements.length === 0 || statements.every((s) => s.trim() === "")) throw new Error("No SQL to run: the list of statements is empty.");
    const results: T[] = [];
    await this.withClient(!autocommit, async (client) => {
      for (const statement of statements) {
        this.log?.info(`Running statement: ${statement}${parameters ? `, parameters: ${JSON.stringify(parameters)}` : ""}`);
        const result = await query(client, statement, parameters);
        if (result.rowCount !== null) this.log?.info(`Rows affected: ${result.rowCount}`);
        if (handler) results.push(handler(result));
      }
    });
    if (!handler) return null;
    return typeof sql === "string" && returnLast ? results[results.length - 1] : results;
  }

  async getRecords(sql: string, parameters?: SqlParameters): Promise<unknown[][]> {
    return this.withClient(false, async (client) => (await query(client, sql, parameters)).rows);
  }

  async getFirst(sql: string, parameters?: SqlParameters): Promise<unknown[] | null> {
    return (await this.getRecords(sql, parameters))[0] ?? null;
  }

  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(fn: (session: PostgresSession) => Promise<T>): Promise<T> {
    return this.withClient(true, (client) => fn({ query: (sql, parameters) => query(client, sql, parameters) }));
  }

  /**
   * Airflow's `insert_rows`: multi-row INSERTs of `commitEvery` rows, each committed; with `replace`, an upsert on
   * `replaceIndex`. Returns the number of rows written.
   */
  async insertRows(table: string, rows: ReadonlyArray<readonly unknown[]>, options: InsertRowsOptions = {}): Promise<number> {
    const { targetFields, commitEvery = 1000, replace = false } = options;
    if (replace && (!targetFields?.length || !options.replaceIndex)) {
      throw new Error(`insertRows into ${table} with replace needs targetFields and replaceIndex (the conflict columns), as in Airflow.`);
    }
    const width = targetFields?.length ?? rows[0]?.length ?? 0;
    const columns = targetFields?.length ? ` (${targetFields.join(", ")})` : "";
    const replaceIndex = typeof options.replaceIndex === "string" ? [options.replaceIndex] : [...(options.replaceIndex ?? [])];
    const updates = (targetFields ?? []).filter((f) => !replaceIndex.includes(f)).map((f) => `${f} = excluded.${f}`);
    const onConflict = !replace ? "" : updates.length ? ` ON CONFLICT (${replaceIndex.join(", ")}) DO UPDATE SET ${updates.join(", ")}` : ` ON CONFLICT (${replaceIndex.join(", ")}) DO NOTHING`;
    let written = 0;
    for (let start = 0; start < rows.length; start += commitEvery) {
      const chunk = rows.slice(start, start + commitEvery);
      const values: unknown[] = [];
      const tuples = chunk.map((row, index) => {
        if (row.length !== width) throw new Error(`Row ${start + index} of insertRows into ${table} has ${row.length} values, expected ${width}.`);
        return `(${row.map((value) => `$${values.push(value)}`).join(", ")})`;
      });
      await this.withClient(true, (client) => client.query(`INSERT INTO ${table}${columns} VALUES ${tuples.join(", ")}${onConflict}`, values));
      written += chunk.length;
      this.log?.info(`Loaded ${written} rows into ${table} so far`);
    }
    this.log?.info(`Done loading. Loaded a total of ${written} rows into ${table}`);
    return written;
  }

  /**
   * Airflow's `copy_expert`: runs `COPY … FROM STDIN` reading `filename`, or `COPY … TO STDOUT` writing it (created
   * when missing, as Airflow does).
   */
  async copyExpert(sql: string, filename: string): Promise<void> {
    const fromStdin = /\bFROM\s+STDIN\b/i.test(sql);
    if (!fromStdin && !/\bTO\s+STDOUT\b/i.test(sql)) throw new Error(`copyExpert needs a COPY … FROM STDIN or COPY … TO STDOUT statement, got: ${sql}`);
    if (!existsSync(filename)) writeFileSync(filename, "");
    this.log?.info(`Running copy expert: ${sql}, filename: ${filename}`);
    await this.withClient(false, async (client) => {
      if (fromStdin) await pipeline(createReadStream(filename), client.query(copyFrom(sql)));
      else await pipeline(client.query(copyTo(sql)), createWriteStream(filename));
    });
  }

  /** Airflow's `bulk_load`: a tab-delimited file into a table. */
  bulkLoad(table: string, tmpFile: string): Promise<void> {
    return this.copyExpert(`COPY ${table} FROM STDIN`, tmpFile);
  }

  /** Airflow's `bulk_dump`: a table into a tab-delimited file. */
  bulkDump(table: string, tmpFile: string): Promise<void> {
    return this.copyExpert(`COPY ${table} TO STDOUT`, tmpFile);
  }

  /** Airflow's `test_connection`. */
  async testConnection(): Promise<{ ok: boolean; message: string }> {
    try {
      await this.getFirst("SELECT 1");
      return { ok: true, message: "Connection successfully tested" };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }

  private async withClient<T>(transactional: boolean, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const pool = await this.getConn();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      const c = await this.getConnection();
      throw new Error(`Cannot connect to PostgreSQL at ${c.host ?? "localhost"}:${c.port ?? 5432} (connection "${this.postgresConnId}"): ${(error as Error).message}. Check that the server is running and the connection's host, port and credentials.`, { cause: error });
    }
    let broken = false;
    try {
      if (!transactional) return await fn(client);
      await client.query("BEGIN");
      try {
        const result = await fn(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => (broken = true));
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Ends every pool of this process (for scripts and tests; runners leave them to close when idle). */
  static async closeAll(): Promise<void> {
    const all = [...pools.values()];
    pools.clear();
    await Promise.all(all.map((pool) => pool.end()));
  }
}

async function query(client: pg.PoolClient, sql: string, parameters: SqlParameters | undefined): Promise<QueryResult> {
  const { text, values } = toNumberedPlaceholders(sql, parameters);
  const raw = (await client.query({ text, values, rowMode: "array" })) as pg.QueryResult<unknown[]> | Array<pg.QueryResult<unknown[]>>;
  // Several statements in one string without splitting: like a DB-API cursor, the last one's result counts.
  const result = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return { rows: result.rows ?? [], fields: result.fields ?? [], rowCount: result.rowCount ?? null, command: result.command };
}
