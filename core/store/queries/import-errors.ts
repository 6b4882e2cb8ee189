import type { Queryable } from "../database.ts";

export interface ImportErrorRow {
  id: number;
  filename: string;
  stacktrace: string;
  timestamp: Date;
}

export const IMPORT_ERROR_ORDER_COLUMNS = { import_error_id: "id", id: "id", timestamp: "timestamp", filename: "filename" } as const;

/** A page of import errors (only of these files when `filenames` is given) and how many. Parameters: filename[], limit, offset. */
export async function listImportErrors(db: Queryable, filenames: readonly string[] | null, order: string, limit: number, offset: number): Promise<{ errors: ImportErrorRow[]; total: number }> {
  const where = "($1::text[] IS NULL OR filename = ANY($1::text[]))";
  const { rows } = await db.query<ImportErrorRow>(`SELECT id, filename, stacktrace, timestamp FROM import_error WHERE ${where} ${order} LIMIT $2 OFFSET $3`, [filenames, limit, offset]);
  const { rows: count } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_error WHERE ${where}`, [filenames]);
  return { errors: rows, total: count[0].n };
}

export async function getImportError(db: Queryable, id: number): Promise<ImportErrorRow | null> {
  const { rows } = await db.query<ImportErrorRow>("SELECT id, filename, stacktrace, timestamp FROM import_error WHERE id = $1", [id]);
  return rows[0] ?? null;
}

/** The files of these DAGs (a role that reads some DAGs only sees their files' import errors). Parameters: dag_id[]. */
export async function dagFiles(db: Queryable, dagIds: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ fileloc: string }>("SELECT DISTINCT fileloc FROM dag WHERE dag_id = ANY($1::text[])", [dagIds]);
  return rows.map((r) => r.fileloc);
}
