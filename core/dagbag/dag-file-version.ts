import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { dagsFolder } from "./dagbag.ts";
import { isYamlDagFileName } from "./find-dag-files.ts";

/** A YAML DAG file's dependencies as last found, and the fingerprint they had then. */
const known = new Map<string, { dependencies: string[]; fingerprint: string; version: number }>();

/**
 * What decides whether a DAG file must be parsed again (the DAG processor) or imported again (a runner): its mtime,
 * or for a YAML DAG file a number derived from the mtimes of the file and everything it reads (values files,
 * partials, templates, folder defaults, bases, datasets files, the TypeScript files of its callables), so an edit to
 * any of them counts as a change of the file. Missing dependencies count too: creating one is a change.
 */
export async function dagFileVersion(file: string): Promise<number> {
  const { mtimeMs } = await stat(file);
  if (!isYamlDagFileName(file)) return mtimeMs;
  const cached = known.get(file);
  if (cached && (await fingerprint(cached.dependencies)) === cached.fingerprint) return cached.version;
  // Finding the dependencies renders templates and parses YAML (no user code runs): done again only on a change.
  const { yamlDependencies } = await import("../../dagfactory/load-yaml-dags.ts");
  const dependencies = [...(await yamlDependencies(file, dagsFolder()))].sort();
  const print = await fingerprint(dependencies);
  // 48 bits of the fingerprint: exact in a double, and never the processor's "parse again" marker (-1).
  const version = Number.parseInt(print.slice(0, 12), 16);
  known.set(file, { dependencies, fingerprint: print, version });
  return version;
}

async function fingerprint(files: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of files) {
    const mtime = await stat(file).then((s) => s.mtimeMs, () => "missing");
    hash.update(`${file}\u0000${mtime}\n`);
  }
  return hash.digest("hex");
}
