import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const DAG_FILE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];
const YAML_DAG_FILE = /\.ya?ml(\.hbs)?$/;
// Beside YAML DAG files but not DAGs themselves: folder defaults, template values, partials and shared templates.
const YAML_SUPPORT_FILE = /^(defaults\.ya?ml|values(\.[^.]+)?\.ya?ml|.+\.values(\.[^.]+)?\.ya?ml)$/;
const YAML_SUPPORT_FOLDERS = new Set(["partials", "templates"]);
const IGNORE_FILE = ".updraftignore";

/**
 * Every file under `folder` that may define DAGs: TypeScript/JavaScript files that mention both "updraft" and "dag"
 * (Airflow's safe mode, so helper modules are not imported), YAML DAG files (dag-factory format: `.yaml`/`.yml` that
 * name an operator, a decorator, a template or a base, and `.yaml.hbs` templates; not `defaults.yml`, values files or
 * anything under a `partials/` or `templates/` folder), minus `.updraftignore` patterns (regular expressions,
 * one per line, matched against the path relative to the folder, as Airflow's `.airflowignore`), test files,
 * `node_modules` and dot-folders.
 */
export async function findDagFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  await walk(folder, folder, [], found);
  return found.sort();
}

async function walk(root: string, dir: string, inherited: RegExp[], found: string[], inSupportFolder = false): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  const ignore = [...inherited, ...(await readIgnore(join(dir, IGNORE_FILE)))];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    const rel = relative(root, path).split(sep).join("/");
    if (ignore.some((pattern) => pattern.test(rel))) continue;
    if (entry.isDirectory()) {
      await walk(root, path, ignore, found, inSupportFolder || YAML_SUPPORT_FOLDERS.has(entry.name));
    } else if (entry.isFile() && isDagFileName(entry.name) && !(inSupportFolder && isYamlDagFileName(entry.name)) && (await mightDefineDags(path))) {
      found.push(path);
    }
  }
}

export function isDagFileName(name: string): boolean {
  if (name.endsWith(".d.ts") || /\.(test|spec)\.[mc]?[jt]s$/.test(name)) return false;
  return DAG_FILE_EXTENSIONS.some((ext) => name.endsWith(ext)) || isYamlDagFileName(name);
}

/** A dag-factory YAML file or a handlebars template of one, by name (`defaults.yml` and values files excluded). */
export function isYamlDagFileName(name: string): boolean {
  const base = name.split(/[\\/]/).pop()!;
  return YAML_DAG_FILE.test(base) && !YAML_SUPPORT_FILE.test(base);
}

async function mightDefineDags(path: string): Promise<boolean> {
  const text = (await readFile(path, "utf8")).toLowerCase();
  if (path.endsWith(".hbs")) return true;
  if (isYamlDagFileName(path)) return /\b(operator|decorator|template|extends)\s*:/.test(text);
  return text.includes("updraft") && text.includes("dag");
}

async function readIgnore(path: string): Promise<RegExp[]> {
  try {
    const lines = (await readFile(path, "utf8")).split("\n").map((l) => l.trim());
    return lines.filter((l) => l && !l.startsWith("#")).map((l) => new RegExp(l));
  } catch {
    return [];
  }
}
