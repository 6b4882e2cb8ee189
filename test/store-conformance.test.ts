import { inspect } from "node:util";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { Database } from "../core/store/database.ts";
import { SchemaOutdatedError } from "../core/store/errors.ts";
import { loadMigrations, migrate, migrationStatus, requireCurrentSchema, resetDatabase } from "../core/store/migrate.ts";
import { describeEachBackend, rejectionOf } from "./helpers/databases.ts";

/** Empties the database's schema, as a database nobody has migrated yet. */
async function emptySchema(db: Database): Promise<void> {
  const { rows } = await db.query<{ schema: string }>("SELECT current_schema() AS schema");
  await db.exec(`DROP SCHEMA "${rows[0].schema}" CASCADE; CREATE SCHEMA "${rows[0].schema}"`);
}

async function count(db: Database, table: string): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
}

describeEachBackend("metadata store", (backend) => {
  let db: Database;
  beforeEach(async () => {
    db = await backend.open();
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  it("round-trips text, integers, bigints, booleans, doubles, jsonb, timestamptz and NULLs", async () => {
    await db.exec("CREATE TABLE sample (n integer PRIMARY KEY, t text, i integer, b bigint, flag boolean, d double precision, doc jsonb, at timestamptz)");
    const at = new Date("2024-01-02T03:04:05.678Z");
    const insert = "INSERT INTO sample (n, t, i, b, flag, d, doc, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    // jsonb parameters are passed as JSON text (see core/store/type-parsers.ts).
    await db.query(insert, [1, `héllo 'quoted' "x"\n`, 42, 9_007_199_254_740_991, true, 1.25, JSON.stringify({ a: [1, { b: null }], s: "x" }), at]);
    await db.query(insert, [2, "", -7, "-5", false, -0.5, JSON.stringify([1, "two", null]), at]);
    await db.query(insert, [3, null, null, null, null, null, null, null]);
    await db.query(insert, [4, "json null", 0, "9007199254740993", false, 0, JSON.stringify(null), at]);
    await db.query(insert, [5, "object", 0, 0, false, 0, { passed: "as an object" }, at]);

    const { rows } = await db.query("SELECT t, i, b, flag, d, doc, at FROM sample ORDER BY n");
    expect(rows).toEqual([
      { t: `héllo 'quoted' "x"\n`, i: 42, b: 9_007_199_254_740_991, flag: true, d: 1.25, doc: { a: [1, { b: null }], s: "x" }, at },
      { t: "", i: -7, b: -5, flag: false, d: -0.5, doc: [1, "two", null], at },
      { t: null, i: null, b: null, flag: null, d: null, doc: null, at: null },
      { t: "json null", i: 0, b: 9_007_199_254_740_993n, flag: false, d: 0, doc: null, at },
      { t: "object", i: 0, b: 0, flag: false, d: 0, doc: { passed: "as an object" }, at },
    ]);
    expect(rows[0].at).toBeInstanceOf(Date);
  });

  it("returns count(*) as a number and takes arrays for PostgreSQL array parameters", async () => {
    const { rows } = await db.query<{ n: unknown; hit: boolean; ints: number[] }>(
      "SELECT count(*) AS n, 'b' = ANY($1::text[]) AS hit, $2::int[] AS ints FROM slot_pool",
      [["a", "b"], [1, 2]],
    );
    expect(rows).toEqual([{ n: 1, hit: true, ints: [1, 2] }]);
  });

  it("commits a transaction that resolves, and returns its value", async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query("INSERT INTO variable (key, val) VALUES ($1, $2)", ["a", "1"]);
      return "done";
    });
    expect(value).toBe("done");
    expect(await count(db, "variable")).toBe(1);
  });

  it("rolls a transaction back when it throws, and rethrows the same error", async () => {
    const boom = new Error("boom");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO variable (key, val) VALUES ($1, $2)", ["a", "1"]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await count(db, "variable")).toBe(0);
  });

  it("a failed statement inside a transaction does not poison later queries", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO variable (key, val) VALUES ($1, $2)", ["a", "1"]);
        await tx.query("SELECT * FROM no_such_table");
      }),
    ).rejects.toMatchObject({ code: "42P01" });
    expect(await count(db, "variable")).toBe(0);
    await db.transaction((tx) => tx.query("INSERT INTO variable (key, val) VALUES ($1, $2)", ["b", "2"]));
    expect((await db.query("SELECT key FROM variable")).rows).toEqual([{ key: "b" }]);
  });

  it("a transaction whose failed statement was caught rejects instead of pretending to commit", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO variable (key, val) VALUES ($1, $2)", ["a", "1"]);
        await tx.query("SELECT * FROM no_such_table").catch(() => {});
      }),
    ).rejects.toMatchObject({ code: "25P02" });
    expect(await count(db, "variable")).toBe(0);
  });

  it("a failed statement's error is short: the SQL's first line and the database's message, no parameters", async () => {
    const error = await rejectionOf<Error & { code: string }>(db.query("SELECT key, val\nFROM no_such_table\nWHERE key = $1", ["hunter2"]));
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("42P01");
    expect(error.message).toBe('relation "no_such_table" does not exist (in: SELECT key, val)');
    const printed = inspect(error);
    expect(printed).not.toContain("WHERE key");
    expect(printed).not.toContain("hunter2");
  });

  it("FOR UPDATE SKIP LOCKED claims rows that no other transaction holds", async () => {
    await db.exec("CREATE TABLE queue (id integer PRIMARY KEY)");
    await db.query("INSERT INTO queue (id) VALUES (1), (2), (3)");
    const claim = "SELECT id FROM queue ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED";
    if (!db.capabilities.multiProcess) {
      // PGlite runs one transaction at a time: nothing else can hold a row lock while this one runs.
      expect((await db.transaction((tx) => tx.query(claim))).rows).toEqual([{ id: 1 }]);
      return;
    }
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let claimed!: (ids: unknown) => void;
    const firstClaim = new Promise((resolve) => (claimed = resolve));
    const first = db.transaction(async (tx) => {
      claimed((await tx.query(claim)).rows);
      await finished;
    });
    expect(await firstClaim).toEqual([{ id: 1 }]);
    const second = await db.transaction((tx) => tx.query(claim));
    finish();
    await first;
    expect(second.rows).toEqual([{ id: 2 }]);
  });

  it("delivers NOTIFY payloads to listeners until they stop listening", async () => {
    const got: string[] = [];
    const probes: string[] = [];
    const stop = await db.listen("updraft_test_channel", (payload) => got.push(payload));
    await db.listen("updraft_test_probe", (payload) => probes.push(payload));
    await db.notify("updraft_test_channel", "one");
    await db.notify("updraft_test_channel", 'two {"json": true}');
    await vi.waitFor(() => expect(got).toEqual(["one", 'two {"json": true}']), { timeout: 10_000 });

    await stop();
    await db.notify("updraft_test_channel", "after stop");
    // Notifications arrive in order: once the probe sent after it is here, "after stop" would have been too.
    await db.notify("updraft_test_probe", "probe");
    await vi.waitFor(() => expect(probes).toEqual(["probe"]), { timeout: 10_000 });
    expect(got).toEqual(["one", 'two {"json": true}']);
  });

  it("migrate applies every migration to an empty database, and nothing the second time", async () => {
    await emptySchema(db);
    const all = await loadMigrations();
    const reported: number[] = [];
    const first = await migrate(db, (m) => reported.push(m.version));
    expect(first.map((m) => m.version)).toEqual(all.map((m) => m.version));
    expect(reported).toEqual(all.map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    expect(await count(db, "schema_migration")).toBe(all.length);
  });

  it("migrationStatus reports the current and latest versions, pending and modified migrations, without writing", async () => {
    const all = await loadMigrations();
    const latest = all[all.length - 1];
    expect(await migrationStatus(db)).toEqual({ current: latest.version, latest: latest.version, pending: [], modified: [] });
    await requireCurrentSchema(db);

    await db.query("UPDATE schema_migration SET checksum = 'edited' WHERE version = $1", [latest.version]);
    expect((await migrationStatus(db)).modified).toEqual([{ version: latest.version, name: latest.name }]);
    await expect(requireCurrentSchema(db)).rejects.toThrow(/changed after they were applied/);

    await db.query("DELETE FROM schema_migration WHERE version = $1", [latest.version]);
    const status = await migrationStatus(db);
    expect(status.pending.map((m) => m.version)).toEqual([latest.version]);
    expect(status.current).toBe(all.length > 1 ? all[all.length - 2].version : 0);
    const outdated = await rejectionOf(requireCurrentSchema(db));
    expect(outdated).toBeInstanceOf(SchemaOutdatedError);
    expect(outdated.message).toContain("`updraft db migrate`");

    await emptySchema(db);
    expect(await migrationStatus(db)).toMatchObject({ current: 0, pending: all });
    expect((await db.query<{ present: boolean }>("SELECT to_regclass('schema_migration') IS NOT NULL AS present")).rows[0].present).toBe(false);
  });

  it("resetDatabase leaves a migrated, empty database", async () => {
    await db.query("INSERT INTO variable (key, val) VALUES ($1, $2)", ["a", "1"]);
    await db.query("UPDATE slot_pool SET slots = 1");
    await db.exec("CREATE TABLE leftover (id integer)");
    await resetDatabase(db);
    expect(await count(db, "variable")).toBe(0);
    expect((await db.query("SELECT pool, slots FROM slot_pool")).rows).toEqual([{ pool: "default_pool", slots: 128 }]);
    expect((await db.query<{ present: boolean }>("SELECT to_regclass('leftover') IS NOT NULL AS present")).rows[0].present).toBe(false);
    expect((await migrationStatus(db)).pending).toEqual([]);
  });

  it("INSERT … ON CONFLICT DO UPDATE … RETURNING returns its rows with a matching rowCount", async () => {
    await db.exec("CREATE TABLE kv (k text PRIMARY KEY, v integer NOT NULL)");
    const upsert = "INSERT INTO kv (k, v) VALUES ($1, $2), ($3, $4) ON CONFLICT (k) DO UPDATE SET v = kv.v + EXCLUDED.v RETURNING k, v";
    const inserted = await db.query(upsert, ["a", 1, "b", 2]);
    expect(inserted).toEqual({ rows: [{ k: "a", v: 1 }, { k: "b", v: 2 }], rowCount: 2 });
    const updated = await db.query(upsert, ["a", 10, "c", 3]);
    expect(updated).toEqual({ rows: [{ k: "a", v: 11 }, { k: "c", v: 3 }], rowCount: 2 });

    const nothing = await db.query("INSERT INTO kv (k, v) VALUES ('a', 0) ON CONFLICT DO NOTHING RETURNING k");
    expect(nothing).toEqual({ rows: [], rowCount: 0 });
    expect(await db.query("UPDATE kv SET v = 0 WHERE k <> 'c'")).toEqual({ rows: [], rowCount: 2 });
    expect(await db.query("DELETE FROM kv")).toEqual({ rows: [], rowCount: 3 });
    expect(await db.query("SELECT k FROM kv")).toEqual({ rows: [], rowCount: 0 });
  });
  // Statements are prepared once and reused (PGlite): a schema change must never serve a stale plan or result shape.
  it("the same statement sees the schema as it is after a table is changed, dropped or recreated", async () => {
    await db.exec("CREATE TABLE shape (a integer)");
    await db.query("INSERT INTO shape (a) VALUES ($1)", [1]);
    expect((await db.query("SELECT * FROM shape WHERE a = $1", [1])).rows).toEqual([{ a: 1 }]);
    await db.exec("ALTER TABLE shape ADD COLUMN b text DEFAULT 'x'");
    expect((await db.query("SELECT * FROM shape WHERE a = $1", [1])).rows).toEqual([{ a: 1, b: "x" }]);
    await db.exec("DROP TABLE shape; CREATE TABLE shape (a integer, c boolean)");
    await db.query("INSERT INTO shape (a, c) VALUES ($1, $2)", [1, true]);
    expect((await db.query("SELECT * FROM shape WHERE a = $1", [1])).rows).toEqual([{ a: 1, c: true }]);
    // Inside a transaction too.
    expect(await db.transaction(async (tx) => (await tx.query("SELECT * FROM shape WHERE a = $1", [1])).rows)).toEqual([{ a: 1, c: true }]);
  });

  it("hundreds of distinct statements, more than are kept prepared, each still answer right when run again", async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 300; i++) {
        const { rows } = await db.query<{ n: number; p: string }>(`SELECT ${i}::int AS n, $1::text AS p`, [`v${i}`]);
        expect(rows).toEqual([{ n: i, p: `v${i}` }]);
      }
    }
  });

  it("a statement that fails to parse is reported, and the connection goes on answering", async () => {
    const error = await rejectionOf(db.query("SELEC nonsense $1", [1]));
    expect(String((error as Error).message)).toMatch(/syntax error/);
    expect((await db.query("SELECT $1::int AS one", [1])).rows).toEqual([{ one: 1 }]);
  });
  it("maintain() vacuums and analyzes the busy tables where the database has no autovacuum of its own", async () => {
    const vacuumed = async () =>
      (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE relname = 'task_instance' AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL")).rows[0].n;
    expect(await vacuumed()).toBe(0);
    await db.maintain();
    // PGlite runs no autovacuum: maintain() does it. PostgreSQL's autovacuum does it there, so maintain() leaves it be.
    expect(await vacuumed()).toBe(db.capabilities.autovacuum ? 0 : 1);
    expect((await db.query("SELECT $1::int AS still", [1])).rows).toEqual([{ still: 1 }]);
  });
});
