import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { castTyped } from "./cast.ts";
import { loadDefaultsFiles, mergeDefaultsFiles } from "./defaults.ts";
import { expandEnvVars } from "./env-vars.ts";
import { resolveExtends, type ConfigFile } from "./extends.ts";
import { ConfigProblem } from "./issues.ts";
import type { Locator } from "./locator.ts";
import { isMapping, mergeConfigs } from "./merge.ts";
import { normalizeEntries } from "./normalize.ts";
import { conventionalValuesFiles, loadValues, renderTemplate } from "./templates.ts";
import { validateDagConfig } from "./validate.ts";
import { parseYaml } from "./yaml-source.ts";

/** Top-level keys that are not DAG ids: dag-factory's two, and Updraft's `bases` (for `extends`). `x-…` keys hold YAML anchors. */
const RESERVED_KEYS = new Set(["default", "task_groups", "bases"]);
const TEMPLATE_FILE_KEYS = new Set(["template", "values", "values_files"]);

/** One DAG's config after defaults, inheritance and validation: `raw` as merged, `config` with typed values built. */
export interface ResolvedDag {
  dagId: string;
  raw: Record<string, unknown>;
  config: Record<string, unknown>;
}

/**
 * Reads a YAML DAG file into its DAGs' effective configs, without running any code: template rendering, environment
 * variables, YAML parsing, `extends`, the `default:` block and folder `defaults.yml` files (dag-factory's precedence),
 * then the JSON Schema. Problems of one DAG do not stop the others from being read; all are returned.
 */
export async function resolveConfigs(file: string, root: string, locator: Locator, dependencies: Set<string>): Promise<{ dags: ResolvedDag[]; problems: ConfigProblem[] }> {
  const home = await readDagFile(file, locator, dependencies);
  locator.add(home.source);
  const dagIds = Object.keys(home.value).filter((key) => !RESERVED_KEYS.has(key) && !key.startsWith("x-"));
  const fileDefault = home.value.default ?? {};
  if (!isMapping(fileDefault)) throw new ConfigProblem(["default"], "The default block must be a mapping of DAG settings.");
  const defaultsFiles = await loadDefaultsFiles(file, root, dependencies);

  const problems: ConfigProblem[] = [];
  const extended = new Map<string, Record<string, unknown>>();
  for (const dagId of dagIds) {
    const entry = home.value[dagId];
    if (!isMapping(entry)) {
      problems.push(new ConfigProblem([dagId], `The DAG "${dagId}" must be a mapping of its settings (a top-level key of a YAML DAG file is a DAG id).`, { expected: "a mapping" }));
      continue;
    }
    try {
      extended.set(dagId, await resolveExtends(dagId, entry, home, locator, dependencies));
    } catch (error) {
      problems.push(asProblem(error));
    }
  }
  locator.add(home.source, (path) => ["default", ...path.slice(1)]);
  for (const defaults of defaultsFiles) locator.add(defaults.source, (path) => path.slice(1));

  // dag-factory's precedence: folder defaults' default_args ← the default block's ← the DAG's, key by key; other keys
  // from the DAG, else the folder defaults (shallowly, which is why they beat the default block), else the default block.
  const folder = mergeDefaultsFiles(defaultsFiles);
  const defaultConfig = { ...fileDefault, default_args: { ...folder.defaultArgs, ...(isMapping(fileDefault.default_args) ? fileDefault.default_args : {}) } };
  const dags: ResolvedDag[] = [];
  for (const [dagId, config] of extended) {
    try {
      const raw = mergeConfigs({ ...folder.dagKeys, ...config }, defaultConfig);
      raw.tasks = normalizeEntries(raw.tasks, [dagId, "tasks"], "task_id");
      raw.task_groups = normalizeEntries(raw.task_groups, [dagId, "task_groups"], "group_name");
      const invalid = validateDagConfig(dagId, raw);
      if (invalid.length) {
        problems.push(...invalid);
        continue;
      }
      dags.push({ dagId, raw, config: castTyped(raw, [dagId]) as Record<string, unknown> });
    } catch (error) {
      problems.push(asProblem(error));
    }
  }
  return { dags, problems };
}

export function asProblem(error: unknown): ConfigProblem {
  if (error instanceof ConfigProblem) return error;
  return new ConfigProblem([], (error as Error)?.message ?? String(error));
}

/**
 * The DAG file's own config: a `.yaml.hbs` template rendered with its values, a file saying `template:` rendered
 * from that template, or plain YAML. Environment variables are expanded before parsing in every case. Relative
 * paths in the result are resolved from the DAG file's folder.
 */
async function readDagFile(file: string, locator: Locator, dependencies: Set<string>): Promise<ConfigFile> {
  dependencies.add(file);
  const text = await readFile(file, "utf8");
  if (file.endsWith(".hbs")) {
    const values = await loadValues(conventionalValuesFiles(file), {}, dependencies);
    return parsedConfig(file, parseYaml(file, expandEnvVars(await renderTemplate(file, values, dependencies)), true));
  }
  const plain = parseYaml(file, expandEnvVars(text));
  if (!isMapping(plain.value) || !Object.hasOwn(plain.value, "template")) return parsedConfig(file, plain);

  const spec = plain.value;
  locator.add(plain.source);
  const extra = Object.keys(spec).find((key) => !TEMPLATE_FILE_KEYS.has(key) && !key.startsWith("x-"));
  if (extra) throw new ConfigProblem([extra], `A file with "template:" holds only template, values and values_files; its DAGs come from the template.`, { at: "key" });
  if (typeof spec.template !== "string") throw new ConfigProblem(["template"], "template must be the path of a .yaml.hbs file, relative to this file.", { expected: "a path" });
  const explicit = spec.values_files === undefined ? [] : Array.isArray(spec.values_files) ? spec.values_files.map(String) : [String(spec.values_files)];
  const conventional = await loadValues(conventionalValuesFiles(file), {}, dependencies);
  const named = await loadValues(explicit.map((f) => resolve(dirname(file), f)), isMapping(spec.values) ? spec.values : {}, dependencies, true);
  const templateFile = resolve(dirname(file), spec.template);
  const rendered = await renderTemplate(templateFile, mergeConfigs(named, conventional), dependencies);
  return parsedConfig(file, parseYaml(templateFile, expandEnvVars(rendered), true));
}

function parsedConfig(file: string, parsed: ReturnType<typeof parseYaml>): ConfigFile {
  if (!isMapping(parsed.value)) {
    throw new ConfigProblem([], "The top level of a YAML DAG file must be a mapping: DAG id → its settings.", { location: { file: parsed.source.file, line: 1, column: 1, rendered: parsed.source.rendered } });
  }
  return { file, source: parsed.source, value: parsed.value };
}
