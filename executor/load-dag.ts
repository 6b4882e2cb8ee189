import { dirname } from "node:path";
import type { DAG } from "../core/dag.ts";
import { dagFileVersion } from "../core/dagbag/dag-file-version.ts";
import { DagBag } from "../core/dagbag/dagbag.ts";

const loaded = new Map<string, { mtimeMs: number; bag: DagBag }>();

/** A DAG of a runner's DAG file: each file is imported once, and again only when it changes. */
export async function loadDag(fileloc: string, dagId: string): Promise<DAG> {
  const mtimeMs = await dagFileVersion(fileloc);
  let entry = loaded.get(fileloc);
  if (!entry || entry.mtimeMs !== mtimeMs) {
    const bag = new DagBag(dirname(fileloc));
    await bag.loadFile(fileloc);
    entry = { mtimeMs, bag };
    loaded.set(fileloc, entry);
  }
  const error = entry.bag.importErrors[0];
  if (error) throw new Error(`DAG file ${fileloc} failed to load: ${error.message}`);
  return entry.bag.getDag(dagId);
}
