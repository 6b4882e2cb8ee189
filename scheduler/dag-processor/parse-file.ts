import { dirname } from "node:path";
import { DagBag } from "../../core/dagbag/dagbag.ts";
import { toImportError } from "../../core/dagbag/import-error.ts";
import { serializeDag } from "../../core/serialization.ts";
import type { FileParseResult } from "./protocol.ts";

/**
 * Loads one DAG file as the DAG bag does (import errors carry file and line; cycles and broken DAGs are errors) and
 * serializes its DAGs. Runs inside a parser process only: this is where user code executes. Each file gets a bag of
 * its own, so a dag id defined in two files is judged once, against the database, when results are stored.
 */
export async function parseFile(file: string): Promise<FileParseResult> {
  const bag = new DagBag(dirname(file));
  await bag.loadFile(file);
  const error = bag.importErrors[0];
  if (error) return { file, ok: false, error };
  try {
    return { file, ok: true, dags: [...bag.dags.values()].map(serializeDag) };
  } catch (thrown) {
    return { file, ok: false, error: toImportError(file, thrown) };
  }
}
