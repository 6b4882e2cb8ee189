import type { Queryable } from "../../../core/store/database.ts";

/** Records (or replaces) a file's import error. Parameters: $1 filename, $2 line (or null), $3 stacktrace. */
export async function upsertImportError(tx: Queryable, filename: string, line: number | null, stacktrace: string): Promise<void> {
  await tx.query(
    `INSERT INTO import_error (filename, line, stacktrace, timestamp) VALUES ($1, $2, $3, now())
     ON CONFLICT (filename) DO UPDATE SET line = EXCLUDED.line, stacktrace = EXCLUDED.stacktrace, timestamp = EXCLUDED.timestamp`,
    [filename, line, stacktrace],
  );
}

/** Clears the import errors of files that load again, or are gone. Parameters: $1 filenames. */
export async function deleteImportErrors(tx: Queryable, filenames: readonly string[]): Promise<void> {
  await tx.query("DELETE FROM import_error WHERE filename = ANY($1::text[])", [filenames]);
}
