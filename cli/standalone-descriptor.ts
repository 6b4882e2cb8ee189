import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isProcessAlive } from "../core/store/embedded-lock.ts";

/**
 * `$UPDRAFT_HOME/standalone.json`: how CLI commands find a running `updraft standalone` (which holds the embedded
 * database, so they go through its REST API). Written once its API listens, removed when it stops; a file left by a
 * standalone that was killed names a process that is gone, and is ignored.
 */
export const STANDALONE_FILE = "standalone.json";

export interface StandaloneDescriptor {
  pid: number;
  url: string;
  started_at: string;
}

export async function writeStandaloneDescriptor(home: string, url: string): Promise<string> {
  const path = join(home, STANDALONE_FILE);
  const descriptor: StandaloneDescriptor = { pid: process.pid, url, started_at: new Date().toISOString() };
  await writeFile(path, JSON.stringify(descriptor));
  return path;
}

export async function removeStandaloneDescriptor(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** The standalone running for `home`, if its descriptor names a live process. */
export async function findRunningStandalone(home: string): Promise<(StandaloneDescriptor & { file: string }) | undefined> {
  const file = join(home, STANDALONE_FILE);
  let descriptor: Partial<StandaloneDescriptor>;
  try {
    descriptor = JSON.parse(await readFile(file, "utf8")) as Partial<StandaloneDescriptor>;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(descriptor.pid) || typeof descriptor.url !== "string" || descriptor.pid === process.pid) return undefined;
  if (!isProcessAlive(descriptor.pid as number)) return undefined;
  return { pid: descriptor.pid as number, url: descriptor.url, started_at: String(descriptor.started_at ?? "unknown"), file };
}
