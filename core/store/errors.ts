import { UpdraftError } from "../errors.ts";

/**
 * The one place where PostgreSQL and PGlite failures become errors users can act on. Both back ends route every
 * statement's failure through `databaseError`; callers catch the named errors below, or `isConnectionError` to retry.
 */

/** The server cannot be reached or is restarting. Retryable: the scheduler waits for it to come back. */
export class DatabaseUnavailableError extends UpdraftError {
  constructor(description: string, cause: unknown) {
    super(
      "DB_UNAVAILABLE",
      `Cannot reach ${description}: ${reasonOf(cause)}. Start PostgreSQL (or wait for it to finish restarting), or fix UPDRAFT_DATABASE_URL if it points to the wrong server.`,
      { cause },
    );
  }
}

/** The embedded database is open in another process; PGlite allows one process only. */
export class DatabaseLockedError extends UpdraftError {
  readonly pid: number;
  constructor(home: string, holder: { pid: number; started_at: string }, sameProcess = false) {
    const who = sameProcess ? `this process (pid ${holder.pid}) already` : `another Updraft process (pid ${holder.pid}, since ${holder.started_at})`;
    super(
      "DB_LOCKED",
      `The embedded database in ${home} is in use: ${who} has it open, and it can be opened by one process only. ` +
        "While `updraft standalone` runs, CLI commands reach it through its API; otherwise stop that process, " +
        "or set UPDRAFT_DATABASE_URL to use PostgreSQL, which any number of processes can share.",
    );
    this.pid = holder.pid;
  }
}

/** The database's schema does not match this version of Updraft. */
export class SchemaOutdatedError extends UpdraftError {
  constructor(description: string, detail: string) {
    super("DB_SCHEMA_OUTDATED", `The schema of ${description} does not match this version of Updraft: ${detail}`);
  }
}

/** Server shutting down (57P01/57P02), starting up (57P03), or any connection exception (class 08). */
const CONNECTION_SQLSTATES = new Set(["57P01", "57P02", "57P03"]);
const CONNECTION_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const CONNECTION_MESSAGES = /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect/i;

/** True when the database was unreachable for a moment (restart, network): the operation may succeed if retried. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const e = error as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && (CONNECTION_SQLSTATES.has(e.code) || CONNECTION_ERRNOS.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
  // Connecting to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with one error per address.
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isConnectionError)) return true;
  return typeof e.message === "string" && CONNECTION_MESSAGES.test(e.message);
}

const shortened = new WeakSet<object>();

/**
 * Maps a failure of `sql` on the database `description` for the caller: connection failures become
 * `DatabaseUnavailableError`; statement errors keep their class, SQLSTATE `code` and message, but carry only the
 * statement's first line, never its full text or its parameters (PGlite attaches both, and they may hold secrets).
 */
export function databaseError(error: unknown, description: string, sql?: string): unknown {
  if (error instanceof UpdraftError) return error;
  if (isConnectionError(error)) return new DatabaseUnavailableError(description, error);
  if (sql === undefined || !(error instanceof Error) || shortened.has(error)) return error;
  shortened.add(error);
  const statement = firstLine(sql);
  const e = error as Error & { query?: string; params?: unknown; queryOptions?: unknown };
  delete e.params;
  delete e.queryOptions;
  e.query = statement;
  const message = `${e.message} (in: ${statement})`;
  if (e.stack?.includes(e.message)) e.stack = e.stack.replace(e.message, () => message);
  e.message = message;
  return error;
}

/** Opening failed for a reason retrying will not fix: wrong password, no such database, no right to create the schema. */
export function openFailure(error: unknown, description: string): unknown {
  if (error instanceof UpdraftError) return error;
  return new UpdraftError("DB_OPEN_FAILED", `Cannot open ${description}: ${reasonOf(error)}. Check the user, password and database in UPDRAFT_DATABASE_URL.`, {
    cause: error,
  });
}

const MAX_STATEMENT_CHARS = 120;

/** The first line of a statement that is not blank or a comment, cut to a readable length. */
export function firstLine(sql: string): string {
  const line = sql.split("\n").map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("--")) ?? "";
  return line.length > MAX_STATEMENT_CHARS ? `${line.slice(0, MAX_STATEMENT_CHARS)}…` : line;
}

function reasonOf(cause: unknown): string {
  const e = cause as { message?: unknown; code?: unknown; errors?: Array<{ message?: unknown }> } | null;
  const message = typeof e?.message === "string" && e.message ? e.message : e?.errors?.[0]?.message;
  if (typeof message === "string" && message) return message.replace(/\.$/, "");
  return typeof e?.code === "string" ? e.code : String(cause);
}
