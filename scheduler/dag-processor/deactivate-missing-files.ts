import type { Database } from "../../core/store/database.ts";
import { deactivateDagsOfFiles } from "./sql/dag.ts";
import { deleteDagFiles } from "./sql/dag-file.ts";
import { deleteImportErrors } from "./sql/import-error.ts";
import { lockDagStore } from "./sql/lock.ts";

/**
 * Files that were parsed before and are no longer DAG files (deleted, ignored, or no longer mentioning updraft): their
 * DAGs become inactive, their import errors and dag_file rows go. One transaction. Returns the deactivated dag ids.
 */
export async function deactivateMissingFiles(db: Database, files: readonly string[]): Promise<string[]> {
  if (files.length === 0) return [];
  return db.transaction(async (tx) => {
    await lockDagStore(tx);
    await deleteImportErrors(tx, files);
    await deleteDagFiles(tx, files);
    return deactivateDagsOfFiles(tx, files);
  });
}
