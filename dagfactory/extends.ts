import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { closest } from "../core/suggest.ts";
import { expandEnvVars } from "./env-vars.ts";
import { ConfigProblem, type KeyPath } from "./issues.ts";
import type { Locator } from "./locator.ts";
import { isMapping, mergeConfigs } from "./merge.ts";
import { parseYaml, type YamlSource } from "./yaml-source.ts";

/** A parsed YAML config file: what `extends` can name entries of. */
export interface ConfigFile {
  file: string;
  source: YamlSource;
  value: Record<string, unknown>;
}

/**
 * Updraft's inheritance: a DAG entry with `extends: <name>` (or a list of names) starts from those base configs,
 * then its own keys win, mappings merged key by key (so `tasks` as a mapping can override one task's settings), lists
 * replaced. A name is an entry of the file's top-level `bases:` mapping, another DAG of the same file, `file.yaml#name`
 * (either kind of entry in another file, relative to this one) or `file.yaml` (a file holding one config).
 */
export async function resolveExtends(
  dagId: string,
  config: Record<string, unknown>,
  home: ConfigFile,
  locator: Locator,
  dependencies: Set<string>,
  chain: string[] = [`${home.file}#${dagId}`],
): Promise<Record<string, unknown>> {
  const { extends: names, ...own } = config;
  if (names === undefined) return config;
  const list = typeof names === "string" ? [names] : names;
  if (!Array.isArray(list) || !list.every((n) => typeof n === "string")) {
    throw new ConfigProblem([dagId, "extends"], "extends must name a base config, or list several.", { expected: "a name or a list of names" });
  }
  let bases: Record<string, unknown> = {};
  for (const name of list as string[]) {
    const base = await findBase(name, dagId, home, dependencies);
    if (chain.includes(base.id)) throw new ConfigProblem([dagId, "extends"], `extends forms a cycle: ${[...chain, base.id].join(" → ")}.`);
    locator.add(base.file.source, (path) => (path[0] === dagId ? [...base.path, ...path.slice(1)] : undefined));
    const resolved = await resolveExtends(dagId, base.config, base.file, locator, dependencies, [...chain, base.id]);
    bases = mergeConfigs(resolved, bases);
  }
  return mergeConfigs(own, bases);
}

async function findBase(name: string, dagId: string, home: ConfigFile, dependencies: Set<string>): Promise<{ id: string; config: Record<string, unknown>; file: ConfigFile; path: KeyPath }> {
  const [filePart, key] = name.includes("#") ? name.split("#", 2) : /\.ya?ml$/.test(name) ? [name, undefined] : [undefined, name];
  const file = filePart ? await readConfigFile(resolve(dirname(home.file), filePart), dagId, dependencies) : home;
  if (key === undefined) return { id: file.file, config: file.value, file, path: [] };
  const bases = isMapping(file.value.bases) ? file.value.bases : {};
  const found = Object.hasOwn(bases, key) ? { config: bases[key], path: ["bases", key] } : Object.hasOwn(file.value, key) && key !== "default" ? { config: file.value[key], path: [key] } : undefined;
  if (!found) {
    const candidates = [...Object.keys(bases), ...Object.keys(file.value).filter((k) => k !== "bases" && k !== "default")];
    throw new ConfigProblem([dagId, "extends"], `No base config "${key}" in ${file.file === home.file ? "this file" : file.file}: define it under "bases:" or as another DAG.`, {
      suggestion: closest(key, candidates),
    });
  }
  if (!isMapping(found.config)) throw new ConfigProblem([dagId, "extends"], `Base config "${key}" must be a mapping.`);
  return { id: `${file.file}#${key}`, config: found.config, file, path: found.path };
}

async function readConfigFile(file: string, dagId: string, dependencies: Set<string>): Promise<ConfigFile> {
  dependencies.add(file);
  const text = await readFile(file, "utf8").catch(() => {
    throw new ConfigProblem([dagId, "extends"], `The base config file ${file} does not exist.`);
  });
  const { source, value } = parseYaml(file, expandEnvVars(text));
  if (!isMapping(value)) throw new ConfigProblem([dagId, "extends"], `${file} must hold a mapping at its top level.`);
  return { file, source, value };
}
