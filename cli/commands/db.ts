import type { Database } from "../../core/store/database.ts";
import { migrate, migrationName, migrationStatus, resetDatabase, type Migration } from "../../core/store/migrate.ts";
import { openDatabase } from "../../core/store/open.ts";
import type { CliIO, Command } from "../command.ts";
import { askYesNo, canAsk } from "../confirm.ts";

/** Opens the database of UPDRAFT_DATABASE_URL / UPDRAFT_HOME, says which one it is, and always closes it. */
async function withDatabase(io: CliIO, work: (db: Database) => Promise<number>): Promise<number> {
  const db = await openDatabase();
  try {
    io.out(`Database: ${db.description}`);
    return await work(db);
  } finally {
    await db.close();
  }
}

const printApplied = (io: CliIO) => (m: Migration) => io.out(`Applied migration ${migrationName(m)}`);

export const dbMigrate: Command = {
  group: "db",
  verb: "migrate",
  summary: "Create or upgrade the metadata database schema (safe to repeat)",
  args: "",
  options: {},
  optionHelp: {},
  run: (_args, _values, io) =>
    withDatabase(io, async (db) => {
      await migrate(db, printApplied(io));
      const status = await migrationStatus(db);
      io.out(`Database is up to date (version ${status.current}).`);
      return 0;
    }),
};

export const dbCheck: Command = {
  group: "db",
  verb: "check",
  summary: "Check that the database schema matches this Updraft (exit 1 when migrations are pending or changed)",
  args: "",
  options: {},
  optionHelp: {},
  run: (_args, _values, io) =>
    withDatabase(io, async (db) => {
      const status = await migrationStatus(db);
      let ok = true;
      if (status.pending.length > 0) {
        ok = false;
        io.out(`Database is at version ${status.current}; ${status.pending.length} migration(s) pending:`);
        for (const m of status.pending) io.out(`  ${migrationName(m)}`);
        io.out("Run `updraft db migrate` to apply them.");
      }
      if (status.modified.length > 0) {
        ok = false;
        io.out("Migration(s) changed after they were applied (the schema may not match the code):");
        for (const m of status.modified) io.out(`  ${migrationName(m)}`);
        io.out("Restore the original files, or reset a database whose data you can lose (`updraft db reset`).");
      }
      if (status.current > status.latest) {
        ok = false;
        io.out(`Database is at version ${status.current}, newer than this Updraft knows (${status.latest}): upgrade Updraft.`);
      }
      if (ok) io.out(`Database is up to date (version ${status.current}).`);
      return ok ? 0 : 1;
    }),
};

export const dbReset: Command = {
  group: "db",
  verb: "reset",
  summary: "Drop every table and all data of the metadata database, then migrate again",
  args: "",
  options: { yes: { type: "boolean", short: "y" } },
  optionHelp: { yes: "-y, --yes  do not ask for confirmation" },
  run: (_args, values, io) =>
    withDatabase(io, async (db) => {
      if (!values.yes) {
        if (!canAsk()) {
          io.err(`Refusing to reset ${db.description} without confirmation, and there is no terminal to ask on. Run \`updraft db reset --yes\` to drop all its data.`);
          return 1;
        }
        if (!(await askYesNo(`This deletes all data in ${db.description}: DAG runs, task instances, XComs, variables, connections, users. Type "yes" to continue: `))) {
          io.out("Reset cancelled; nothing was changed.");
          return 1;
        }
      }
      await resetDatabase(db, printApplied(io));
      const status = await migrationStatus(db);
      io.out(`Database was reset and is up to date (version ${status.current}).`);
      return 0;
    }),
};
