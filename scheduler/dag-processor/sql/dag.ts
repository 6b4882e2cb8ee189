import type { Queryable } from "../../../core/store/database.ts";
import type { SerializedDag } from "../../../core/serialization.ts";

/**
 * Stores a DAG parsed from its file: active, without import errors. A new row starts with `is_paused`; an existing
 * row keeps its own (a user's pause or unpause survives every re-parse).
 * Parameters: $1 dag_id, $2 fileloc, $3 is_paused (new rows only), $4 owners, $5 description, $6 timetable_summary,
 * $7 tags (JSON), $8 max_active_runs, $9 max_active_tasks, $10 dag_hash.
 */
export async function upsertDag(tx: Queryable, dag: SerializedDag, dagHash: string, isPaused: boolean): Promise<void> {
  await tx.query(
    `INSERT INTO dag (dag_id, fileloc, is_paused, is_active, has_import_errors, owners, description, timetable_summary,
                      tags, max_active_runs, max_active_tasks, dag_hash, last_parsed_time)
     VALUES ($1, $2, $3, true, false, $4, $5, $6, $7::jsonb, $8, $9, $10, now())
     ON CONFLICT (dag_id) DO UPDATE
       SET fileloc = EXCLUDED.fileloc, is_active = true, has_import_errors = false, owners = EXCLUDED.owners,
           description = EXCLUDED.description, timetable_summary = EXCLUDED.timetable_summary, tags = EXCLUDED.tags,
           max_active_runs = EXCLUDED.max_active_runs, max_active_tasks = EXCLUDED.max_active_tasks,
           dag_hash = EXCLUDED.dag_hash, last_parsed_time = EXCLUDED.last_parsed_time`,
    [dag.dag_id, dag.fileloc, isPaused, dag.owner, dag.description, dag.schedule_summary, JSON.stringify(dag.tags),
      dag.max_active_runs, dag.max_active_tasks, dagHash],
  );
}

/** Active DAGs with one of these ids that another file defines. Parameters: $1 dag_ids, $2 this file's fileloc. */
export async function findDagsDefinedElsewhere(tx: Queryable, dagIds: readonly string[], fileloc: string): Promise<Array<{ dag_id: string; fileloc: string }>> {
  const { rows } = await tx.query<{ dag_id: string; fileloc: string }>(
    "SELECT dag_id, fileloc FROM dag WHERE dag_id = ANY($1::text[]) AND is_active AND fileloc <> $2 ORDER BY dag_id",
    [dagIds, fileloc],
  );
  return rows;
}

/** Deactivates the DAGs a file no longer defines. Parameters: $1 fileloc, $2 the dag ids it still defines. */
export async function deactivateDagsMissingFromFile(tx: Queryable, fileloc: string, keepDagIds: readonly string[]): Promise<string[]> {
  const { rows } = await tx.query<{ dag_id: string }>(
    "UPDATE dag SET is_active = false WHERE fileloc = $1 AND is_active AND NOT (dag_id = ANY($2::text[])) RETURNING dag_id",
    [fileloc, keepDagIds],
  );
  return rows.map((r) => r.dag_id).sort();
}

/** Deactivates every DAG of files that are gone. Parameters: $1 filelocs. */
export async function deactivateDagsOfFiles(tx: Queryable, filelocs: readonly string[]): Promise<string[]> {
  const { rows } = await tx.query<{ dag_id: string }>(
    "UPDATE dag SET is_active = false WHERE fileloc = ANY($1::text[]) AND is_active RETURNING dag_id",
    [filelocs],
  );
  return rows.map((r) => r.dag_id).sort();
}

/** Flags the DAGs last loaded from a file that now fails to load; they stay active (as in Airflow). Parameters: $1 fileloc. */
export async function flagImportErrors(tx: Queryable, fileloc: string): Promise<void> {
  await tx.query("UPDATE dag SET has_import_errors = true, last_parsed_time = now() WHERE fileloc = $1 AND is_active", [fileloc]);
}
