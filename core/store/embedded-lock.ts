import { readFileSync, unlinkSync } from "node:fs";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DatabaseLockedError } from "./errors.ts";

/**
 * `$UPDRAFT_HOME/db.lock`: which process has the embedded database open. Two PGlite instances writing one data
 * directory corrupt it, so a second process is refused while the holder is alive; the lock of a process that died
 * without closing (kill -9, power loss) is stale and taken over.
 */
export const LOCK_FILE = "db.lock";

export interface EmbeddedLock {
  pid: number;
  started_at: string;
}

/** Lock files this process holds: a lock naming our own pid that is not here was left by an earlier process with it. */
const held = new Set<string>();

/** The holder of the embedded database in `home`, if any, and whether it is still running. */
export async function readEmbeddedLock(home: string): Promise<(EmbeddedLock & { alive: boolean }) | undefined> {
  const path = join(home, LOCK_FILE);
  const lock = parseLock(await readFile(path, "utf8").catch(() => ""));
  return lock && { ...lock, alive: isAlive(lock.pid, path) };
}

/** Takes the lock of the embedded database in `home`, or throws `DatabaseLockedError`. Returns its release. */
export async function acquireEmbeddedLock(home: string): Promise<() => Promise<void>> {
  await mkdir(home, { recursive: true });
  const path = join(home, LOCK_FILE);
  const mine: EmbeddedLock = { pid: process.pid, started_at: new Date().toISOString() };
  const text = JSON.stringify(mine);
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await writeFile(path, text, { flag: "wx" });
      return hold(path, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const found = await readFile(path, "utf8").catch(() => undefined);
    if (found === undefined) continue;
    const holder = parseLock(found);
    // Empty: its creator is between creating and writing it (`wx` creates first). Give it a moment before judging.
    if (!holder && attempt < 5) {
      await sleep(50);
      continue;
    }
    if (holder && isAlive(holder.pid, path)) throw new DatabaseLockedError(home, holder, holder.pid === process.pid);
    // Stale: remove it unless another process took it over in the meantime, then race for it again.
    if ((await readFile(path, "utf8").catch(() => undefined)) === found) await unlink(path).catch(() => {});
  }
  // Only reached when other processes keep taking the lock over between our attempts.
  const holder = parseLock(await readFile(path, "utf8").catch(() => ""));
  throw new DatabaseLockedError(home, holder ?? { pid: 0, started_at: "unknown" });
}

function hold(path: string, text: string): () => Promise<void> {
  held.add(path);
  const onExit = () => {
    try {
      if (readFileSync(path, "utf8") === text) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.on("exit", onExit);
  return async () => {
    if (!held.delete(path)) return;
    process.off("exit", onExit);
    if ((await readFile(path, "utf8").catch(() => undefined)) === text) await unlink(path).catch(() => {});
  };
}

function parseLock(text: string): EmbeddedLock | undefined {
  try {
    const value = JSON.parse(text) as Partial<EmbeddedLock>;
    return Number.isInteger(value.pid) && (value.pid as number) > 0 ? { pid: value.pid as number, started_at: String(value.started_at ?? "unknown") } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number, path: string): boolean {
  // Our own pid: alive only if we hold it. Otherwise an earlier process had this pid (containers restart as pid 1).
  if (pid === process.pid) return held.has(path);
  return isProcessAlive(pid);
}

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
