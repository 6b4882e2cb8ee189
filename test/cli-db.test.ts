import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { loadMigrations, type Migration } from "../core/store/migrate.ts";
import { openDatabase } from "../core/store/open.ts";
import { updraft } from "./helpers/cli.ts";
import { POSTGRES_URL, describeEachBackend, describePostgres, dropSchema, freshSchemaName, holdEmbeddedDatabase } from "./helpers/databases.ts";

const LONG = { timeout: 180_000 };
const MIGRATIONS = await loadMigrations();
const LATEST = MIGRATIONS.at(-1)!.version;
const label = (m: Migration) => `${String(m.version).padStart(4, "0")}_${m.name}`;

describeEachBackend("updraft db", (backend) => {
  let home: string;
  let env: Record<string, string>;
  let schema: string | undefined;
  /** Opens the database the commands work on, from the test (between commands, so the embedded lock is free). */
  let withDatabase: <T>(work: (db: Database) => Promise<T>) => Promise<T>;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "updraft-cli-db-"));
    if (backend.name === "pglite") {
      env = { UPDRAFT_HOME: home, UPDRAFT_DATABASE_URL: "" };
      withDatabase = async (work) => {
        const db = await openDatabase({ home });
        try {
          return await work(db);
        } finally {
          await db.close();
        }
      };
    } else {
      const name = freshSchemaName();
      schema = name;
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA "${name}"`);
      await client.end();
      // The password is never checked (trust auth): it is here to show that no command prints it.
      const url = new URL(POSTGRES_URL);
      url.password = "hunter2";
      url.searchParams.set("options", `-c search_path=${name}`);
      env = { UPDRAFT_HOME: home, UPDRAFT_DATABASE_URL: url.toString() };
      withDatabase = async (work) => {
        const db = await openDatabase({ url: POSTGRES_URL, schema: name });
        try {
          return await work(db);
        } finally {
          await db.close();
        }
      };
    }
  });
  afterEach(async () => {
    if (schema) await dropSchema(schema);
    schema = undefined;
    await rm(home, { recursive: true, force: true });
  });

  const where = () => (backend.name === "pglite" ? `embedded PGlite at ${join(home, "db")}` : `PostgreSQL 127.0.0.1:5432/test (schema ${schema})`);

  it("migrate creates the schema, names the database, and applies nothing the second time", LONG, async () => {
    const first = await updraft(["db", "migrate"], { env });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Database: ${where()}`);
    for (const m of MIGRATIONS) expect(first.stdout).toContain(`Applied migration ${label(m)}\n`);
    expect(first.stdout).toMatch(new RegExp(`Database is up to date \\(version ${LATEST}\\)\\.\\n$`));
    expect(first.stdout).not.toContain("hunter2");

    const second = await updraft(["db", "migrate"], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain("Applied migration");
    expect(second.stdout).toContain("Database is up to date");
    expect(await withDatabase(async (db) => (await db.query("SELECT pool FROM slot_pool")).rows)).toEqual([{ pool: "default_pool" }]);
  });

  it("check exits 1 listing pending migrations, 0 once migrated, and 1 when an applied migration changed", LONG, async () => {
    const before = await updraft(["db", "check"], { env });
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`Database: ${where()}`);
    expect(before.stdout).toContain(`Database is at version 0; ${MIGRATIONS.length} migration(s) pending:\n${MIGRATIONS.map((m) => `  ${label(m)}\n`).join("")}Run \`updraft db migrate\` to apply them.`);

    expect((await updraft(["db", "migrate"], { env })).code).toBe(0);
    const after = await updraft(["db", "check"], { env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`Database is up to date (version ${LATEST}).`);

    await withDatabase((db) => db.query("UPDATE schema_migration SET checksum = 'edited' WHERE version = 1"));
    const modified = await updraft(["db", "check"], { env });
    expect(modified.code).toBe(1);
    expect(modified.stdout).toContain("changed after they were applied");
    expect(modified.stdout).toContain("  0001_initial");
  });

  it("reset refuses without --yes when there is no terminal to ask on, and with --yes drops all data and migrates", LONG, async () => {
    expect((await updraft(["db", "migrate"], { env })).code).toBe(0);
    await withDatabase((db) => db.query("INSERT INTO variable (key, val) VALUES ('kept', 'until reset')"));

    const refused = await updraft(["db", "reset"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Refusing to reset ${where()} without confirmation`);
    expect(refused.stderr).toContain("--yes");
    expect(await withDatabase(async (db) => (await db.query("SELECT key FROM variable")).rows)).toEqual([{ key: "kept" }]);

    const reset = await updraft(["db", "reset", "--yes"], { env });
    expect(reset.stderr).toBe("");
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`Database: ${where()}`);
    expect(reset.stdout).toContain("Applied migration 0001_initial");
    expect(reset.stdout).toContain(`Database was reset and is up to date (version ${LATEST}).`);
    expect(reset.stdout).not.toContain("hunter2");
    expect(await withDatabase(async (db) => (await db.query("SELECT key FROM variable")).rows)).toEqual([]);
    expect((await updraft(["db", "check"], { env })).code).toBe(0);
  });

  if (backend.name === "pglite") {
    it("says which process holds the embedded database when another one has it open", LONG, async () => {
      const holder = await holdEmbeddedDatabase(home);
      try {
        const result = await updraft(["db", "check"], { env });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`updraft db check: The embedded database in ${home} is in use`);
        expect(result.stderr).toContain(`pid ${holder.pid}`);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      } finally {
        await holder.kill();
      }
    });
  }
});

describePostgres("updraft db against a PostgreSQL that is not running", () => {
  it("exits 1 naming the server and what to do, without a stack trace", LONG, async () => {
    const url = new URL(POSTGRES_URL);
    url.port = "1";
    url.password = "hunter2";
    const result = await updraft(["db", "migrate"], { env: { UPDRAFT_DATABASE_URL: url.toString() } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("updraft db migrate: Cannot reach PostgreSQL 127.0.0.1:1/test");
    expect(result.stderr).toContain("UPDRAFT_DATABASE_URL");
    expect(result.stderr).not.toContain("hunter2");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
