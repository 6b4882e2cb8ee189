import { createServer } from "node:net";
import pg from "pg";
import { afterEach, expect, it, vi } from "vitest";
import { UpdraftError } from "../core/errors.ts";
import type { Database } from "../core/store/database.ts";
import { DatabaseUnavailableError, isConnectionError } from "../core/store/errors.ts";
import { loadMigrations, migrate } from "../core/store/migrate.ts";
import { openDatabase } from "../core/store/open.ts";
import { PgDatabase } from "../core/store/pg-database.ts";
import { BACKENDS, POSTGRES_URL, describePostgres, dropSchema, freshSchemaName, rejectionOf } from "./helpers/databases.ts";

const postgres = BACKENDS.find((b) => b.name === "postgres")!;

/** A local port nothing listens on: bound by the OS for us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function urlWithPort(port: number, password = ""): string {
  const url = new URL(POSTGRES_URL);
  url.port = String(port);
  if (password) url.password = password;
  return url.toString();
}

/** Ends the server session behind `pid`, as a server restart does. */
async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  } finally {
    await admin.end();
  }
}

describePostgres("metadata store on PostgreSQL", () => {
  const opened: Database[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it("two processes migrating one fresh schema at once both succeed, and each migration is applied once", async () => {
    const all = await loadMigrations();
    for (let round = 0; round < 3; round++) {
      const schema = freshSchemaName();
      schemas.push(schema);
      const a = await PgDatabase.open(POSTGRES_URL, { schema, max: 2 });
      const b = await PgDatabase.open(POSTGRES_URL, { schema, max: 2 });
      opened.push(a, b);
      const [fromA, fromB] = await Promise.all([migrate(a), migrate(b)]);
      expect([...fromA, ...fromB].map((m) => m.version).sort((x, y) => x - y)).toEqual(all.map((m) => m.version));
      expect((await a.query("SELECT version FROM schema_migration ORDER BY version")).rows).toEqual(all.map((m) => ({ version: m.version })));
    }
  });

  it("recognises a refused connection, and openDatabase says which server and what to do", async () => {
    const port = await closedPort();
    const raw = await rejectionOf(new pg.Client({ connectionString: urlWithPort(port) }).connect());
    expect(isConnectionError(raw)).toBe(true);

    const error = await rejectionOf(openDatabase({ url: urlWithPort(port, "hunter2") }));
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(isConnectionError(error)).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("Start PostgreSQL");
    expect(error.message).toContain("UPDRAFT_DATABASE_URL");
    expect(error.message).not.toContain("hunter2");
  });

  it("does not take a statement error for a connection error", async () => {
    const db = await postgres.open();
    opened.push(db);
    const error = await rejectionOf<Error & { code: string }>(db.query("SELEC 1"));
    expect(error.code).toBe("42601");
    expect(isConnectionError(error)).toBe(false);
  });

  it("turns a session ended by the server into DatabaseUnavailableError, and carries on with a new one", async () => {
    const db = await postgres.open();
    opened.push(db);
    const failure = await rejectionOf(
      db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await terminateBackend(rows[0].pid);
        await tx.query("SELECT 1");
      }),
    );
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(failure.message).toContain(db.description);
    const { rows } = await db.query<{ one: number }>("SELECT 1 AS one");
    expect(rows).toEqual([{ one: 1 }]);
  });

  it("listens again after the LISTEN session is ended by the server", async () => {
    const db = await postgres.open();
    opened.push(db);
    const channel = `updraft_relisten_${freshSchemaName()}`;
    const got: string[] = [];
    await db.listen(channel, (payload) => got.push(payload));
    const { rows } = await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE query = $1", [`LISTEN "${channel}"`]);
    expect(rows).toHaveLength(1);
    await terminateBackend(rows[0].pid);
    await vi.waitFor(
      async () => {
        await db.notify(channel, "back");
        expect(got).toContain("back");
      },
      { timeout: 20_000, interval: 250 },
    );
  });

  it("names the database and UPDRAFT_DATABASE_URL when the database does not exist", async () => {
    const url = new URL(POSTGRES_URL);
    url.pathname = "/updraft_no_such_database";
    const error = await rejectionOf<UpdraftError>(openDatabase({ url: url.toString() }));
    expect(error).toBeInstanceOf(UpdraftError);
    expect(error.code).toBe("DB_OPEN_FAILED");
    expect(error.message).toContain("updraft_no_such_database");
    expect(error.message).toContain("UPDRAFT_DATABASE_URL");
    expect(isConnectionError(error)).toBe(false);
  });
});
