import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { expandEnvVars } from "./env-vars.ts";
import { ConfigProblem } from "./issues.ts";
import { isMapping } from "./merge.ts";
import { parseYaml, type YamlSource } from "./yaml-source.ts";

export const DEFAULTS_FILE_NAMES = ["defaults.yml", "defaults.yaml"];

export interface DefaultsFile {
  file: string;
  source: YamlSource;
  value: Record<string, unknown>;
}

/**
 * dag-factory's folder defaults: `defaults.yml` (else `defaults.yaml`) in each folder from the DAG file's own up to
 * `root` (the DAGs folder), nearest first. When `root` is not above the file, only the file's folder and `root`.
 */
export async function loadDefaultsFiles(dagFile: string, root: string, dependencies: Set<string>): Promise<DefaultsFile[]> {
  const found: DefaultsFile[] = [];
  for (const dir of defaultsFolders(dagFile, root)) {
    for (const name of DEFAULTS_FILE_NAMES) {
      const file = join(dir, name);
      dependencies.add(file);
      const text = await readFile(file, "utf8").catch(() => undefined);
      if (text === undefined) continue;
      const { source, value } = parseYaml(file, expandEnvVars(text));
      if (!isMapping(value)) throw new ConfigProblem([], `${file} must hold a mapping of DAG defaults (default_args, schedule, …).`, { location: { file, line: 1, column: 1 } });
      found.push({ file, source, value });
      break;
    }
  }
  return found;
}

export function defaultsFolders(dagFile: string, root: string): string[] {
  const own = dirname(resolve(dagFile));
  const top = resolve(root);
  const rel = relative(top, own);
  if (rel === "" ) return [own];
  if (rel.startsWith("..") || resolve(top, rel) !== own) return [own, top];
  const folders = [own];
  let dir = own;
  while (dir !== top && dir.startsWith(top + sep)) {
    dir = dirname(dir);
    folders.push(dir);
  }
  return folders;
}

/**
 * The defaults files merged as dag-factory does, nearest winning: `default_args` key by key, every other key whole,
 * except `tags`, which are unioned and sorted.
 */
export function mergeDefaultsFiles(files: readonly DefaultsFile[]): { defaultArgs: Record<string, unknown>; dagKeys: Record<string, unknown> } {
  const defaultArgs: Record<string, unknown> = {};
  const dagKeys: Record<string, unknown> = {};
  for (const { value } of [...files].reverse()) {
    if (isMapping(value.default_args)) Object.assign(defaultArgs, value.default_args);
    for (const [key, item] of Object.entries(value)) {
      if (key === "default_args") continue;
      if (key === "tags" && Array.isArray(item)) dagKeys.tags = [...new Set([...((dagKeys.tags as unknown[]) ?? []), ...item])].sort();
      else dagKeys[key] = item;
    }
  }
  return { defaultArgs, dagKeys };
}
