import type { SqlParameters } from "./sql-text.ts";

/** What a statement gave back, as a DB-API cursor would: rows as lists (Airflow's tuples), column names, row count. */
export interface QueryResult {
  rows: unknown[][];
  /** Empty for a statement that returns no result set (INSERT without RETURNING, DDL): Airflow's `cursor.description is None`. */
  fields: ReadonlyArray<{ name: string }>;
  rowCount: number | null;
  command: string;
}

/** Airflow's `handler`: turns a statement's cursor into the value `run` returns for it. */
export type ResultHandler<T = unknown> = (result: QueryResult) => T;

/** Airflow's `fetch_all_handler`: every row, or null for a statement without a result set. */
export const fetchAllHandler: ResultHandler<unknown[][] | null> = (result) => (result.fields.length ? result.rows : null);

/** Airflow's `fetch_one_handler`: the first row, or null. */
export const fetchOneHandler: ResultHandler<unknown[] | null> = (result) => (result.fields.length ? (result.rows[0] ?? null) : null);

export interface RunOptions<T = unknown> {
  /** True: each statement commits on its own. False (default): all statements in one transaction, rolled back on error. */
  autocommit?: boolean;
  parameters?: SqlParameters;
  /** Without a handler `run` returns null (Airflow's behaviour). */
  handler?: ResultHandler<T>;
  /** Split a string of several statements on `;` (outside quotes and comments) and run them one by one. */
  splitStatements?: boolean;
  /** With a single string of SQL: return only the last statement's result instead of a list. Default true. */
  returnLast?: boolean;
}

/** Airflow's DbApiHook, the part SQL operators and sensors use. */
export interface SqlHook {
  run<T = unknown>(sql: string | readonly string[], options?: RunOptions<T>): Promise<T | T[] | null>;
  getRecords(sql: string, parameters?: SqlParameters): Promise<unknown[][]>;
  getFirst(sql: string, parameters?: SqlParameters): Promise<unknown[] | null>;
}
