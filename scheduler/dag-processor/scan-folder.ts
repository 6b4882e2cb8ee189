import { stat } from "node:fs/promises";
import { sep } from "node:path";
import { dagFileVersion } from "../../core/dagbag/dag-file-version.ts";
import { findDagFiles } from "../../core/dagbag/find-dag-files.ts";
import type { Queryable } from "../../core/store/database.ts";
import { listDagFiles } from "./sql/dag-file.ts";

export interface FolderScan {
  /** Every DAG file of the folder now, with its mtime. */
  files: Map<string, number>;
  /** Files to parse: new, or changed since their last parse (any mtime change, also backwards: a restored file). */
  due: string[];
  /** Files parsed before that are no longer DAG files of the folder. */
  gone: string[];
}

/** Lists the DAGs folder (or a single DAG file) and compares it with what the database says was parsed. */
export async function scanFolder(db: Queryable, folder: string, all: boolean): Promise<FolderScan> {
  const isDirectory = await stat(folder).then(
    (s) => s.isDirectory(),
    () => {
      throw new Error(`DAGs folder "${folder}" does not exist: create it, or set UPDRAFT_DAGS_FOLDER to the folder holding your DAG files.`);
    },
  );
  const files = new Map<string, number>();
  for (const file of isDirectory ? await findDagFiles(folder) : [folder]) {
    // A file deleted between the listing and here is simply not part of this pass.
    const mtime = await dagFileVersion(file).catch(() => null);
    if (mtime !== null) files.set(file, mtime);
  }
  const known = await listDagFiles(db, isDirectory ? folder.replace(/[\\/]*$/, sep) : folder);
  const parsedAt = new Map(known.map((row) => [row.fileloc, row.mtime_ms]));
  return {
    files,
    due: [...files].filter(([file, mtime]) => all || parsedAt.get(file) !== mtime).map(([file]) => file),
    gone: known.map((row) => row.fileloc).filter((file) => !files.has(file) && (isDirectory || file === folder)),
  };
}
