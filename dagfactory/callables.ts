import { stat } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { closest } from "../core/suggest.ts";
import { ConfigProblem, keyPathText, type KeyPath } from "./issues.ts";
import { isMapping } from "./merge.ts";

export const CALLBACK_TYPES = ["on_execute_callback", "on_success_callback", "on_failure_callback", "on_retry_callback", "on_skipped_callback"] as const;
const DAG_CALLBACK_TYPES = ["on_success_callback", "on_failure_callback", "on_execute_callback", "sla_miss_callback"];
const MODULE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** A function a config names: exported `name` from a file, or a dotted "module.function" path. */
export type CallableRef = { path: KeyPath; name: string; file: string } | { path: KeyPath; dotted: string };

/**
 * Every function a DAG config refers to, each at the key path where it is named: python callables, callbacks
 * (a name, `{callback: name, …params}`, a list, or the `_name` + `_file` pair) and the doc_md callable.
 */
export function callableRefs(dagId: string, config: Record<string, unknown>): CallableRef[] {
  const refs: CallableRef[] = [];
  const named = (owner: Record<string, unknown>, base: KeyPath, key: string) => {
    const name = owner[`${key}_name`];
    const file = owner[`${key}_file`];
    if (typeof name === "string" && typeof file === "string") refs.push({ path: [...base, `${key}_name`], name, file });
  };
  const callbacks = (owner: unknown, base: KeyPath, types: readonly string[]) => {
    if (!isMapping(owner)) return;
    for (const type of types) {
      named(owner, base, type);
      const value = owner[type];
      const items = Array.isArray(value) ? value.map((v, i) => [v, [...base, type, i]] as const) : value === undefined ? [] : [[value, [...base, type]] as const];
      for (const [item, path] of items) {
        if (typeof item === "string") refs.push({ path, dotted: item });
        else if (isMapping(item) && typeof item.callback === "string") refs.push({ path, dotted: item.callback });
      }
    }
  };
  callbacks(config, [dagId], DAG_CALLBACK_TYPES);
  named(config, [dagId], "doc_md_python_callable");
  callbacks(config.default_args, [dagId, "default_args"], CALLBACK_TYPES);
  for (const [group, conf] of Object.entries(isMapping(config.task_groups) ? config.task_groups : {})) {
    if (isMapping(conf)) callbacks(conf.default_args, [dagId, "task_groups", group, "default_args"], CALLBACK_TYPES);
  }
  for (const [taskId, conf] of Object.entries(isMapping(config.tasks) ? config.tasks : {})) {
    if (!isMapping(conf)) continue;
    const base = [dagId, "tasks", taskId];
    named(conf, base, "python_callable");
    if (typeof conf.python_callable === "string") refs.push({ path: [...base, "python_callable"], dotted: conf.python_callable });
    callbacks(conf, base, CALLBACK_TYPES);
  }
  return refs;
}

/** The module file behind a ref (recorded as a dependency of the YAML file even when missing). */
export async function moduleFileOf(ref: CallableRef, yamlFile: string, roots: readonly string[], dependencies: Set<string>): Promise<{ file: string; name: string }> {
  if ("file" in ref) {
    const file = resolve(dirname(yamlFile), ref.file);
    const candidates = /\.py$/.test(file) ? MODULE_EXTENSIONS.map((ext) => file.replace(/\.py$/, ext)) : MODULE_EXTENSIONS.some((e) => file.endsWith(e)) ? [file] : MODULE_EXTENSIONS.map((ext) => file + ext);
    for (const candidate of candidates) {
      dependencies.add(candidate);
      if (await isFile(candidate)) return { file: candidate, name: ref.name };
    }
    const pyNote = /\.py$/.test(file) ? `"${ref.file}" is read as the TypeScript file of the same name beside it, ${candidates[0]}, which does not exist` : `${candidates[0]} does not exist`;
    throw new ConfigProblem(ref.path, `${pyNote}: export the function "${ref.name}" from it.`, { expected: `a .ts file exporting "${ref.name}"` });
  }
  const parts = ref.dotted.split(".");
  if (parts.length < 2) {
    throw new ConfigProblem(ref.path, `"${ref.dotted}" does not name a module: use "module.function" (module.ts beside the YAML file or in the DAGs folder), or the _name and _file pair.`);
  }
  const name = parts.pop()!;
  const modulePath = join(...parts);
  const tried: string[] = [];
  for (const root of [dirname(yamlFile), ...roots]) {
    for (const ext of MODULE_EXTENSIONS) {
      const candidate = isAbsolute(modulePath) ? modulePath + ext : join(root, modulePath + ext);
      dependencies.add(candidate);
      tried.push(candidate);
      if (await isFile(candidate)) return { file: candidate, name };
    }
  }
  throw new ConfigProblem(ref.path, `Cannot find the module of "${ref.dotted}": none of ${[...new Set(tried.filter((t) => t.endsWith(".ts")))].join(", ")} exists.`, {
    expected: `"${parts.join(".")}" as a .ts file beside the YAML file or in the DAGs folder, exporting "${name}"`,
  });
}

/** Imports every referenced function (each module once, fresh when it changed). Keyed by the ref's key path. */
export async function loadCallables(refs: readonly CallableRef[], yamlFile: string, roots: readonly string[], dependencies: Set<string>): Promise<Map<string, Function>> {
  const functions = new Map<string, Function>();
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  for (const ref of refs) {
    const { file, name } = await moduleFileOf(ref, yamlFile, roots, dependencies);
    if (!modules.has(file)) modules.set(file, importFresh(file));
    let module: Record<string, unknown>;
    try {
      module = await modules.get(file)!;
    } catch (error) {
      const message = (error as Error).message.replace(/\u001b\[[0-9;]*m/g, "").replace(/\?mtime=[\d.]+&g=\d+/g, "");
      throw new ConfigProblem(ref.path, `Importing ${file} failed: ${message}`);
    }
    const fn = module[name];
    if (typeof fn !== "function") {
      const exported = Object.keys(module).filter((k) => typeof module[k] === "function");
      throw new ConfigProblem(ref.path, `${file} does not export a function "${name}".`, { suggestion: closest(name, exported), expected: exported.length ? `one of ${exported.join(", ")}` : "an exported function" });
    }
    functions.set(keyPathText(ref.path), fn);
  }
  return functions;
}

const imported = new Map<string, Promise<Record<string, unknown>>>();

/** Imports a module once per version: an edited callables file is imported again (the query defeats the module cache). */
async function importFresh(file: string): Promise<Record<string, unknown>> {
  const { mtimeMs } = await stat(file);
  const url = `${pathToFileURL(file).href}?mtime=${mtimeMs}&g=0`;
  let module = imported.get(url);
  if (!module) {
    module = import(url);
    imported.set(url, module);
    module.catch(() => imported.delete(url));
  }
  return module;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}
