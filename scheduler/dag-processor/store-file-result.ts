import { dagFileVersion } from "../../core/dagbag/dag-file-version.ts";
import type { ImportError } from "../../core/dagbag/import-error.ts";
import { dagVersionHash, type SerializedDag } from "../../core/serialization.ts";
import type { Database, Queryable } from "../../core/store/database.ts";
import { duplicateDagIdError } from "./import-errors.ts";
import type { FileParseResult } from "./protocol.ts";
import { deactivateDagsMissingFromFile, findDagsDefinedElsewhere, flagImportErrors, upsertDag } from "./sql/dag.ts";
import { upsertDagFile } from "./sql/dag-file.ts";
import { deleteImportErrors, upsertImportError } from "./sql/import-error.ts";
import { lockDagStore } from "./sql/lock.ts";
import { storeDagVersion } from "./sql/serialized-dag.ts";
import { registerDatasets } from "../../core/store/queries/dataset-events.ts";
import { conditionUris, storedCondition } from "../../core/timetables/dataset-triggered.ts";

/**
 * The mtime recorded for a file whose error depends on other files (a dag id another file defines): it never equals
 * a real mtime, so the file is parsed again on every pass until the other file lets the id go.
 */
export const PARSE_AGAIN_MTIME = -1;

export interface StoreOutcome {
  /** False when the file changed (or vanished) since it was parsed: the result is stale, the next pass parses it. */
  stored: boolean;
  dagIds: string[];
  newVersions: string[];
  deactivated: string[];
  importError: ImportError | null;
}

/**
 * Stores one file's parse in one transaction: its DAGs and new versions, or its import error; the DAGs it no longer
 * defines become inactive; its dag_file row remembers the mtime parsed. A dag id already defined by another active
 * file turns the whole file into an import error.
 */
export function storeFileResult(db: Database, result: FileParseResult, mtimeMs: number, pausedAtCreation: boolean): Promise<StoreOutcome> {
  return db.transaction(async (tx) => {
    await lockDagStore(tx);
    if ((await currentMtime(result.file)) !== mtimeMs) return { stored: false, dagIds: [], newVersions: [], deactivated: [], importError: null };
    if (!result.ok) return storeImportError(tx, result.file, result.error, mtimeMs);
    const conflict = await duplicateOf(tx, result.file, result.dags);
    if (conflict) return storeImportError(tx, result.file, conflict, PARSE_AGAIN_MTIME);
    return storeDags(tx, result.file, result.dags, mtimeMs, pausedAtCreation);
  });
}

async function storeDags(tx: Queryable, file: string, dags: SerializedDag[], mtimeMs: number, pausedAtCreation: boolean): Promise<StoreOutcome> {
  const newVersions: string[] = [];
  for (const dag of dags) {
    const hash = dagVersionHash(dag);
    await upsertDag(tx, dag, hash, dag.is_paused_upon_creation ?? pausedAtCreation);
    if ((await storeDagVersion(tx, dag.dag_id, hash, dag)) !== null) newVersions.push(dag.dag_id);
  }
  await registerDatasets(tx, dags.flatMap(datasetUris));
  const dagIds = dags.map((d) => d.dag_id);
  const deactivated = await deactivateDagsMissingFromFile(tx, file, dagIds);
  await deleteImportErrors(tx, [file]);
  await upsertDagFile(tx, file, mtimeMs, dagIds);
  return { stored: true, dagIds, newVersions, deactivated, importError: null };
}

async function storeImportError(tx: Queryable, file: string, error: ImportError, mtimeMs: number): Promise<StoreOutcome> {
  await upsertImportError(tx, file, error.line, error.message);
  await flagImportErrors(tx, file);
  await upsertDagFile(tx, file, mtimeMs, null);
  return { stored: true, dagIds: [], newVersions: [], deactivated: [], importError: error };
}

/** The first dag id of this file that is defined twice in it, or by another active file. */
async function duplicateOf(tx: Queryable, file: string, dags: SerializedDag[]): Promise<ImportError | null> {
  const seen = new Set<string>();
  for (const dag of dags) {
    if (seen.has(dag.dag_id)) return duplicateDagIdError(file, dag.dag_id, file);
    seen.add(dag.dag_id);
  }
  const [elsewhere] = await findDagsDefinedElsewhere(tx, [...seen], file);
  return elsewhere ? duplicateDagIdError(file, elsewhere.dag_id, elsewhere.fileloc) : null;
}

async function currentMtime(file: string): Promise<number | null> {
  try {
    return await dagFileVersion(file);
  } catch {
    return null;
  }
}

/** The datasets a DAG names: its tasks' outlets and inlets, and its schedule's condition. */
function datasetUris(dag: SerializedDag): string[] {
  const condition = storedCondition(dag.timetable);
  const fromTasks = dag.tasks.flatMap((t) => [...t.outlets, ...t.inlets].map((d) => String(d.uri)));
  return [...fromTasks, ...(condition ? conditionUris(condition) : [])];
}
