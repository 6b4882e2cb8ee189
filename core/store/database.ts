/**
 * The metadata database behind a narrow interface. Two back ends speak the same SQL (PostgreSQL's): server
 * PostgreSQL through `pg` with a pool, and PGlite (PostgreSQL compiled to WebAssembly) embedded in one process.
 * What differs between them is named here as capabilities, never tested with `if (embedded)` elsewhere.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  /**
   * One statement with `$1…` parameters. Values come back alike from both back ends (bigint as a number, jsonb parsed,
   * timestamptz as Date); pass jsonb parameters as `JSON.stringify(value)` (see type-parsers.ts). Failures are mapped
   * by errors.ts: `DatabaseUnavailableError` when the server is unreachable, else the database's error, kept short.
   */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Capabilities {
  /** Several processes may open this database at once (server PostgreSQL). PGlite is one process only. */
  multiProcess: boolean;
  /** NOTIFY reaches listeners in other processes (PostgreSQL). In PGlite it reaches this process only. */
  crossProcessNotify: boolean;
  /**
   * The database reclaims dead rows and refreshes planner statistics by itself (PostgreSQL's autovacuum). PGlite runs
   * no background workers: without `maintain()` every state change leaves a dead row and index entry behind for good.
   */
  autovacuum: boolean;
}

export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  readonly capabilities: Capabilities;
  /** A human description for logs and errors, without credentials. */
  readonly description: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws (and the error rethrown).
   * On PGlite, transactions are serialised, and a failed statement never leaves the connection in an aborted state.
   * If a statement failed and `fn` caught its error, the transaction rejects (code 25P02) instead of seeming committed.
   * Inside `fn` use `tx` only: on PGlite a query on the database itself waits for the transaction, which waits for it.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel. Returns a function that stops listening. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Vacuums and analyzes the busiest tables where the database does not (`autovacuum` false); a no-op elsewhere. */
  maintain(): Promise<void>;
  close(): Promise<void>;
}
