import { join, resolve } from "node:path";
import type { Database } from "./database.ts";
import { acquireEmbeddedLock } from "./embedded-lock.ts";

export { readEmbeddedLock } from "./embedded-lock.ts";

export interface DatabaseConfig {
  /** `postgres://…`; when absent the embedded PGlite database under `home` is used. */
  url?: string;
  /** `$UPDRAFT_HOME`, default `./.updraft`. */
  home?: string;
  /** An in-memory embedded database (tests). */
  memory?: boolean;
  /** PostgreSQL schema to use (tests isolate themselves in one schema each). */
  schema?: string;
}

export function updraftHome(): string {
  return resolve(process.env.UPDRAFT_HOME ?? ".updraft");
}

export function databaseConfigFromEnv(): DatabaseConfig {
  return { url: process.env.UPDRAFT_DATABASE_URL || undefined, home: updraftHome() };
}

/**
 * Opens the metadata database: PostgreSQL when a URL is given, else the embedded one in `$UPDRAFT_HOME/db`, which
 * this process then holds alone (`DatabaseLockedError` if another process has it) until `close()` or exit.
 */
export async function openDatabase(config: DatabaseConfig = databaseConfigFromEnv()): Promise<Database> {
  if (config.url) {
    const { PgDatabase } = await import("./pg-database.ts");
    return PgDatabase.open(config.url, { schema: config.schema });
  }
  // Imported on demand: loading PGlite's module alone takes ~0.5 s, which every CLI command would pay.
  const { PgliteDatabase } = await import("./pglite-database.ts");
  if (config.memory) return PgliteDatabase.open();
  const home = resolve(config.home ?? updraftHome());
  const release = await acquireEmbeddedLock(home);
  try {
    return await PgliteDatabase.open(join(home, "db"), { onClose: release });
  } catch (error) {
    await release();
    throw error;
  }
}
