import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { UpdraftError } from "../errors.ts";
import type { Database, Queryable } from "./database.ts";
import { SchemaOutdatedError } from "./errors.ts";

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
// Serialises concurrent `db migrate` runs on one PostgreSQL (two schedulers starting at once).
const MIGRATION_LOCK_ID = 7_318_004_211;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  current: number;
  latest: number;
  pending: Migration[];
  /** Applied migrations whose file changed since: the database may not match the code. */
  modified: Array<{ version: number; name: string }>;
}

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(new URL(file, MIGRATIONS_DIR), "utf8");
      return { version: Number(file.slice(0, 4)), name: file.slice(5, -4), sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migration (
  version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

/** Holds the migration lock until the transaction ends (PostgreSQL's CREATE TABLE IF NOT EXISTS is not race-free). */
async function lockMigrations(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_ID]);
  await tx.exec(CREATE_TABLE);
}

/** Where the database stands against the migrations of this code. Reads only: checking never changes the database. */
export async function migrationStatus(db: Database): Promise<MigrationStatus> {
  const migrations = await loadMigrations();
  const { rows } = await db.query<{ present: boolean }>("SELECT to_regclass('schema_migration') IS NOT NULL AS present");
  const applied = new Map(
    rows[0].present
      ? (await db.query<{ version: number; checksum: string }>("SELECT version, checksum FROM schema_migration")).rows.map((r) => [r.version, r.checksum])
      : [],
  );
  return {
    current: Math.max(0, ...applied.keys()),
    latest: Math.max(0, ...migrations.map((m) => m.version)),
    pending: migrations.filter((m) => !applied.has(m.version)),
    modified: migrations.filter((m) => applied.has(m.version) && applied.get(m.version) !== m.checksum).map(({ version, name }) => ({ version, name })),
  };
}

/** Throws `SchemaOutdatedError` unless the database is exactly at this code's schema (what processes check on start). */
export async function requireCurrentSchema(db: Database): Promise<void> {
  const status = await migrationStatus(db);
  if (status.pending.length > 0) {
    const names = status.pending.map(migrationName).join(", ");
    throw new SchemaOutdatedError(db.description, `it is at version ${status.current} and ${status.pending.length} migration(s) are pending (${names}). Run \`updraft db migrate\`.`);
  }
  if (status.current > status.latest) {
    throw new SchemaOutdatedError(db.description, `it is at version ${status.current}, newer than this Updraft knows (${status.latest}). Upgrade Updraft.`);
  }
  if (status.modified.length > 0) {
    const names = status.modified.map(migrationName).join(", ");
    throw new SchemaOutdatedError(db.description, `migration(s) ${names} changed after they were applied. Restore the original files, or reset a database whose data you can lose (\`updraft db reset\`).`);
  }
}

export function migrationName(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(4, "0")}_${m.name}`;
}

/** Applies every pending migration, each in its own transaction. Safe to repeat, and safe to run from two processes at once. */
export async function migrate(db: Database, onApplied: (m: Migration) => void = () => {}): Promise<Migration[]> {
  const applied: Migration[] = [];
  for (const migration of await loadMigrations()) {
    const done = await db.transaction(async (tx) => {
      await lockMigrations(tx);
      const exists = await tx.query("SELECT 1 FROM schema_migration WHERE version = $1", [migration.version]);
      if (exists.rowCount > 0) return false;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        if (error instanceof UpdraftError) throw error;
        throw new UpdraftError(
          "MIGRATION_FAILED",
          `Migration ${migrationName(migration)} failed on ${db.description}: ${(error as Error).message}. Nothing of it was applied (each migration is one transaction).`,
          { cause: error },
        );
      }
      await tx.query("INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)", [migration.version, migration.name, migration.checksum]);
      return true;
    });
    if (done) {
      applied.push(migration);
      onApplied(migration);
    }
  }
  return applied;
}

/** Drops every Updraft table (the whole current schema) and migrates again from nothing. */
export async function resetDatabase(db: Database, onApplied?: (m: Migration) => void): Promise<Migration[]> {
  const { rows } = await db.query<{ schema: string | null }>("SELECT current_schema() AS schema");
  const schema = rows[0].schema;
  if (!schema) throw new UpdraftError("DB_NO_SCHEMA", `${db.description} has no schema to reset: the search_path names none that exists.`);
  const quoted = `"${schema.replaceAll('"', '""')}"`;
  await db.exec(`DROP SCHEMA ${quoted} CASCADE; CREATE SCHEMA ${quoted};`);
  return migrate(db, onApplied);
}
