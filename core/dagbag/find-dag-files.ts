import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const DAG_FILE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];
const IGNORE_FILE = ".updraftignore";

/**
 * Every file under `folder` that may define DAGs: TypeScript/JavaScript files that mention both "updraft" and "dag"
 * (Airflow's safe mode, so helper modules are not imported), minus `.updraftignore` patterns (regular expressions,
 * one per line, matched against the path relative to the folder, as Airflow's `.airflowignore`), test files,
 * `node_modules` and dot-folders.
 */
export async function findDagFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  await walk(folder, folder, [], found);
  return found.sort();
}

async function walk(root: string, dir: string, inherited: RegExp[], found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  const ignore = [...inherited, ...(await readIgnore(join(dir, IGNORE_FILE)))];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    const rel = relative(root, path).split(sep).join("/");
    if (ignore.some((pattern) => pattern.test(rel))) continue;
    if (entry.isDirectory()) {
      await walk(root, path, ignore, found);
    } else if (entry.isFile() && isDagFileName(entry.name) && (await mightDefineDags(path))) {
      found.push(path);
    }
  }
}

export function isDagFileName(name: string): boolean {
  if (name.endsWith(".d.ts") || /\.(test|spec)\.[mc]?[jt]s$/.test(name)) return false;
  return DAG_FILE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

async function mightDefineDags(path: string): Promise<boolean> {
  const text = (await readFile(path, "utf8")).toLowerCase();
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
