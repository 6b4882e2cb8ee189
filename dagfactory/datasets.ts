import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Dataset } from "../core/dataset.ts";
import type { DatasetCondition } from "../core/timetables/dataset-triggered.ts";
import { closest } from "../core/suggest.ts";
import { Combined } from "./cast.ts";
import { expandEnvVars } from "./env-vars.ts";
import { ConfigProblem, type KeyPath } from "./issues.ts";
import { isMapping } from "./merge.ts";
import { parseYaml } from "./yaml-source.ts";

/**
 * A datasets file (dag-factory's `file:` in outlets, inlets and schedules): `datasets: [{name, uri}, …]`. Resolved
 * relative to the YAML file that names it. Returns name → URI.
 */
export async function readDatasetsFile(yamlFile: string, file: string, path: KeyPath, dependencies: Set<string>): Promise<Map<string, string>> {
  const absolute = resolve(dirname(yamlFile), file);
  dependencies.add(absolute);
  const text = await readFile(absolute, "utf8").catch(() => {
    throw new ConfigProblem(path, `The datasets file ${absolute} does not exist.`);
  });
  const { value } = parseYaml(absolute, expandEnvVars(text));
  const list = isMapping(value) ? value.datasets : undefined;
  if (!Array.isArray(list)) throw new ConfigProblem(path, `${absolute} must hold "datasets:", a list of {name, uri}.`);
  const map = new Map<string, string>();
  for (const entry of list) if (isMapping(entry) && typeof entry.name === "string" && typeof entry.uri === "string") map.set(entry.name, entry.uri);
  return map;
}

/** Outlets or inlets: URIs, dataset objects, or `{file, datasets: [names]}`. */
export async function toDatasets(value: unknown, yamlFile: string, path: KeyPath, dependencies: Set<string>): Promise<Dataset[]> {
  if (isMapping(value)) {
    const names = (value.datasets as string[]) ?? [];
    const byName = value.file ? await readDatasetsFile(yamlFile, String(value.file), [...path, "file"], dependencies) : undefined;
    return names.map((name, i) => datasetOf(byName ? lookup(byName, name, [...path, "datasets", i]) : name, [...path, "datasets", i]));
  }
  if (!Array.isArray(value)) throw new ConfigProblem(path, "must be a list of dataset URIs or {file, datasets}.");
  return value.map((item, i) => (item instanceof Dataset ? item : datasetOf(item, [...path, i])));
}

export function datasetOf(uri: unknown, path: KeyPath): Dataset {
  if (uri instanceof Dataset) return uri;
  try {
    return new Dataset(String(uri));
  } catch (error) {
    throw new ConfigProblem(path, (error as Error).message);
  }
}

function lookup(byName: Map<string, string>, name: string, path: KeyPath): string {
  const uri = byName.get(name);
  if (uri === undefined) throw new ConfigProblem(path, `No dataset named "${name}" in the datasets file.`, { suggestion: closest(name, byName.keys()) });
  return uri;
}

/** A list, `__and__`/`__or__` objects, or a condition text such as "((a & b) | c)" → a dataset condition. */
export function toCondition(value: unknown, path: KeyPath, byName?: Map<string, string>): DatasetCondition {
  if (value instanceof Dataset) return value;
  if (value instanceof Combined) return { op: value.op, items: value.items.map((item, i) => toCondition(item, [...path, i], byName)) };
  if (Array.isArray(value)) {
    const items = value.map((item, i) => toCondition(item, [...path, i], byName));
    return items.length === 1 ? items[0] : { op: "and", items };
  }
  if (typeof value === "string") return parseCondition(value, path, byName);
  throw new ConfigProblem(path, "must be dataset URIs, a condition such as \"(a & b) | c\", or __and__/__or__ of datasets.");
}

/** dag-factory's condition text: operands (URIs, or names from a datasets file) joined by `&`, `|` and parentheses. */
export function parseCondition(text: string, path: KeyPath, byName?: Map<string, string>): DatasetCondition {
  const tokens = text.match(/\(|\)|&|\||[^\s()&|]+/g) ?? [];
  let position = 0;
  const fail = (what: string): never => {
    throw new ConfigProblem(path, `Invalid dataset condition "${text}": ${what}.`, { expected: 'URIs or names joined by & and |, e.g. "(s3://a & s3://b) | s3://c"' });
  };
  const operand = (): DatasetCondition => {
    const token = tokens[position++];
    if (token === undefined) return fail("it ends too early");
    if (token === "(") {
      const inner = expression();
      if (tokens[position++] !== ")") fail("a parenthesis is not closed");
      return inner;
    }
    if (token === ")" || token === "&" || token === "|") return fail(`unexpected "${token}"`);
    return datasetOf(byName ? lookup(byName, token, path) : token, path);
  };
  // As in Python, & binds tighter than |.
  const chain = (op: "and" | "or", symbol: string, next: () => DatasetCondition) => (): DatasetCondition => {
    const items = [next()];
    while (tokens[position] === symbol) {
      position++;
      items.push(next());
    }
    return items.length === 1 ? items[0] : { op, items };
  };
  const term = chain("and", "&", operand);
  const expression = chain("or", "|", term);
  const result = expression();
  if (position < tokens.length) fail(`unexpected "${tokens[position]}"`);
  return result;
}
