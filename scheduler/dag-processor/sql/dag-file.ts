import type { Queryable } from "../../../core/store/database.ts";

/** A file the DAG processor has parsed: its mtime then, and the dag ids it defined when it last loaded. */
export interface DagFileRow {
  fileloc: string;
  mtime_ms: number;
  dag_ids: string[];
}

/** Files known under a folder. Parameters: $1 the folder's path prefix (ending in a separator) or a single file's path. */
export async function listDagFiles(db: Queryable, prefix: string): Promise<DagFileRow[]> {
  const { rows } = await db.query<DagFileRow>(
    "SELECT fileloc, mtime_ms, dag_ids FROM dag_file WHERE starts_with(fileloc, $1)",
    [prefix],
  );
  return rows;
}

/**
 * Records a parse of a file. Parameters: $1 fileloc, $2 mtime_ms, $3 dag_ids as JSON, or null to keep the ids of the
 * last successful load (a file with an import error still "owns" the DAGs it defined before).
 */
export async function upsertDagFile(tx: Queryable, fileloc: string, mtimeMs: number, dagIds: string[] | null): Promise<void> {
  await tx.query(
    `INSERT INTO dag_file (fileloc, mtime_ms, dag_ids, parsed_at) VALUES ($1, $2, coalesce($3::jsonb, '[]'), now())
     ON CONFLICT (fileloc) DO UPDATE
       SET mtime_ms = EXCLUDED.mtime_ms, dag_ids = coalesce($3::jsonb, dag_file.dag_ids), parsed_at = now()`,
    [fileloc, mtimeMs, dagIds === null ? null : JSON.stringify(dagIds)],
  );
}

/** Forgets files that are gone. Parameters: $1 filelocs. */
export async function deleteDagFiles(tx: Queryable, filelocs: readonly string[]): Promise<void> {
  await tx.query("DELETE FROM dag_file WHERE fileloc = ANY($1::text[])", [filelocs]);
}
