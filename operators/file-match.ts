import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { glob } from "./glob.ts";

/**
 * FileSensor's test (and FileTrigger's): the first path matching the pattern that is a file, or a folder with a file
 * anywhere inside; null when none.
 */
export async function firstMatchingFile(pattern: string, recursive: boolean): Promise<{ path: string; mtime: Date } | null> {
  for (const path of await glob(pattern, recursive)) {
    const info = await stat(path).catch(() => null);
    if (info?.isFile()) return { path, mtime: info.mtime };
    if (info?.isDirectory() && (await containsFile(path))) return { path, mtime: info.mtime };
  }
  return null;
}

async function containsFile(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile()) return true;
    if (entry.isDirectory() && (await containsFile(join(dir, entry.name)))) return true;
  }
  return false;
}
