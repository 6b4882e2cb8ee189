import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { DatabaseLockedError } from "../core/store/errors.ts";
import { openDatabase, readEmbeddedLock } from "../core/store/open.ts";
import { holdEmbeddedDatabase, rejectionOf, type EmbeddedHolder } from "./helpers/databases.ts";

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  return child.pid!;
}

describe("the embedded database is open in one process at a time", () => {
  let home: string;
  let holder: EmbeddedHolder | undefined;
  const opened: Database[] = [];
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "updraft-lock-"));
  });
  afterEach(async () => {
    await holder?.kill();
    holder = undefined;
    for (const db of opened.splice(0)) await db.close();
    await rm(home, { recursive: true, force: true });
  });

  it("refuses a second process while the first runs, naming its pid, and takes the lock over once it was killed", { timeout: 120_000 }, async () => {
    holder = await holdEmbeddedDatabase(home);
    expect(await readEmbeddedLock(home)).toMatchObject({ pid: holder.pid, alive: true });

    const refused = await rejectionOf<DatabaseLockedError>(openDatabase({ home }));
    expect(refused).toBeInstanceOf(DatabaseLockedError);
    expect(refused.code).toBe("DB_LOCKED");
    expect(refused.pid).toBe(holder.pid);
    expect(refused.message).toContain(`pid ${holder.pid}`);
    expect(refused.message).toContain("`updraft standalone`");

    await holder.kill();
    expect(await readEmbeddedLock(home)).toMatchObject({ pid: holder.pid, alive: false });
    const db = await openDatabase({ home });
    opened.push(db);
    expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    expect(await readEmbeddedLock(home)).toMatchObject({ pid: process.pid, alive: true });

    await db.close();
    expect(await readEmbeddedLock(home)).toBeUndefined();
  });

  it("releases the lock when the holding process exits without closing the database", { timeout: 120_000 }, async () => {
    holder = await holdEmbeddedDatabase(home, { exitAtOnce: true });
    expect(await holder.exited).toBe(0);
    expect(await readEmbeddedLock(home)).toBeUndefined();
  });

  it("refuses to open it twice in one process, and opens it again once closed", { timeout: 120_000 }, async () => {
    const first = await openDatabase({ home });
    opened.push(first);
    const refused = await rejectionOf(openDatabase({ home }));
    expect(refused).toBeInstanceOf(DatabaseLockedError);
    expect(refused.message).toContain(`this process (pid ${process.pid})`);
    await first.close();
    const again = await openDatabase({ home });
    opened.push(again);
    expect((await again.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("takes over a lock left by a process that is gone, even one that had this process's pid", { timeout: 120_000 }, async () => {
    for (const pid of [await deadPid(), process.pid]) {
      await writeFile(join(home, "db.lock"), JSON.stringify({ pid, started_at: "2024-01-01T00:00:00.000Z" }));
      const db = await openDatabase({ home });
      expect(await readEmbeddedLock(home)).toMatchObject({ pid: process.pid, alive: true });
      await db.close();
    }
  });
});
