import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updraft } from "./helpers/cli.ts";
import { holdEmbeddedDatabase } from "./helpers/databases.ts";

const LONG = { timeout: 120_000 };

// The statements are the ones scheduler-pools.test.ts runs on both back ends; here, what a user types and reads.
describe("updraft pools set | list | delete (embedded database)", () => {
  let home: string;
  const env = (at: string) => ({ env: { UPDRAFT_HOME: at, UPDRAFT_DATABASE_URL: "" } });
  const run = (...args: string[]) => updraft(["pools", ...args], env(home));

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "updraft-cli-pools-"));
    const migrated = await updraft(["db", "migrate"], env(home));
    expect(migrated.code, migrated.stderr).toBe(0);
  }, LONG.timeout);
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("asks for `db migrate` on a database that has no schema yet", LONG, async () => {
    const empty = await mkdtemp(join(tmpdir(), "updraft-cli-pools-empty-"));
    try {
      const result = await updraft(["pools", "list"], env(empty));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Run `updraft db migrate`/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("creates a pool, changes it, lists it and deletes it; default_pool stays", LONG, async () => {
    const created = await run("set", "partner_api", "2", "Partner API: 2 concurrent calls");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Pool partner_api set: 2 slot\(s\)\./);
    const resized = await run("set", "partner_api", "3", "-o", "json");
    expect(JSON.parse(resized.stdout)).toEqual([{ pool: "partner_api", slots: 3, description: "", include_deferred: false }]);

    const listed = await run("list", "-o", "json");
    expect(JSON.parse(listed.stdout)).toEqual([
      { pool: "default_pool", slots: 128, description: "Default pool", include_deferred: false },
      { pool: "partner_api", slots: 3, description: "", include_deferred: false },
    ]);

    const deleted = await run("delete", "partner_api");
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await run("list", "-o", "plain")).stdout.trim().split("\n")).toEqual(["default_pool\t128\tDefault pool"]);
  });

  it("refuses bad input with a message that says what to do", LONG, async () => {
    const badSlots = await run("set", "partner_api", "two");
    expect(badSlots.code).toBe(2);
    expect(badSlots.stderr).toMatch(/SLOTS must be a whole number ≥ 0 \(or -1 for unlimited\), got "two"/);

    const defaultPool = await run("delete", "default_pool");
    expect(defaultPool.code).toBe(1);
    expect(defaultPool.stderr).toMatch(/default_pool cannot be deleted/);

    await run("set", "partner_api", "2");
    const typo = await run("delete", "partner_ap");
    await run("delete", "partner_api");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/there is no pool "partner_ap"\. Did you mean "partner_api"\?/);
  });

  it("says what to do while another process holds the embedded database", LONG, async () => {
    const holder = await holdEmbeddedDatabase(home);
    try {
      const result = await run("set", "partner_api", "4");
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`open in another process \\(pid ${holder.pid}\\).*Stop that process`));
    } finally {
      await holder.kill();
    }
  });
});
