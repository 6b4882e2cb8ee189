import { UpdraftError } from "../core/errors.ts";
import type { Database } from "../core/store/database.ts";
import { DatabaseLockedError } from "../core/store/errors.ts";
import { requireCurrentSchema } from "../core/store/migrate.ts";
import { openDatabase } from "../core/store/open.ts";

/**
 * Runs `work` on the metadata database opened directly, for commands that write it (`updraft pools`, `updraft users`):
 * on the embedded database that works only while no other process holds it, and the error says what to do.
 */
export async function withDatabase(command: string, work: (db: Database) => Promise<number>): Promise<number> {
  const db = await openDatabase().catch((error: unknown) => {
    if (!(error instanceof DatabaseLockedError)) throw error;
    throw new UpdraftError(
      "DB_LOCKED",
      `The embedded database is open in another process (pid ${error.pid}), and \`${command}\` writes the database directly. ` +
        "Stop that process, run this again, then start it again; or use PostgreSQL (UPDRAFT_DATABASE_URL), where this works while Updraft runs.",
      { cause: error },
    );
  });
  try {
    await requireCurrentSchema(db);
    return await work(db);
  } finally {
    await db.close();
  }
}
