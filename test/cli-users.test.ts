import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../core/store/open.ts";
import { startApi } from "./helpers/api.ts";
import { updraft } from "./helpers/cli.ts";

const LONG = { timeout: 120_000 };

describe("updraft users create | list | delete (embedded database)", () => {
  let home: string;
  const env = () => ({ env: { UPDRAFT_HOME: home, UPDRAFT_DATABASE_URL: "" } });
  const run = (...args: string[]) => updraft(["users", ...args], env());

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "updraft-cli-users-"));
    const migrated = await updraft(["db", "migrate"], env());
    expect(migrated.code, migrated.stderr).toBe(0);
  }, LONG.timeout);
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("creates users with a password, a password file or a random password, and lists them", LONG, async () => {
    const alice = await run("create", "--username", "alice", "--role", "Op", "--password", "alice-password", "--email", "a@example.com", "--firstname", "Alice", "--lastname", "A");
    expect(alice.code, alice.stderr).toBe(0);
    expect(alice.stdout).toMatch(/User "alice" created with role Op/);
    const file = join(home, "pw.txt");
    await writeFile(file, "bob-password\n");
    expect((await run("create", "-u", "bob", "-r", "Viewer", "-e", "b@example.com", "--password-file", file)).code).toBe(0);
    const carol = await run("create", "-u", "carol", "-r", "User", "-e", "c@example.com", "--random-password");
    expect(carol.code, carol.stderr).toBe(0);
    expect(carol.stdout).toMatch(/Password: [\w-]{24}/);
    const list = await run("list", "-o", "json");
    expect(list.code, list.stderr).toBe(0);
    const users = JSON.parse(list.stdout) as Array<{ username: string; role: string; email: string }>;
    expect(users.map((u) => `${u.username}:${u.role}`)).toEqual(["alice:Op", "bob:Viewer", "carol:User"]);
    expect(list.stdout).not.toMatch(/password|scrypt/);
    const table = await run("list");
    expect(table.stdout).toMatch(/alice\s+\| a@example.com/);
  });

  it("refuses an unknown role, a duplicate, a short password and missing or conflicting password options", LONG, async () => {
    const role = await run("create", "-u", "dave", "-r", "Admn", "-e", "d@example.com", "-p", "long-enough");
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/Unknown role "Admn": use one of Admin, Op, User, Viewer, Public.*Admin/s);
    const duplicate = await run("create", "-u", "alice", "-r", "Op", "-e", "a@example.com", "-p", "long-enough");
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
    expect((await run("create", "-u", "erin", "-r", "Op", "-e", "e@example.com", "-p", "short")).stderr).toMatch(/at least 8/);
    expect((await run("create", "-u", "erin", "-r", "Op", "-e", "e@example.com")).stderr).toMatch(/exactly one of --password/);
    expect((await run("create", "-u", "erin", "-r", "Op", "-e", "e@example.com", "-p", "long-enough", "--random-password")).stderr).toMatch(/exactly one/);
    expect((await run("create", "-u", "erin", "-r", "Op", "-p", "long-enough")).stderr).toMatch(/Missing --email/);
  });

  it("a created user logs in to the REST API with their role; a deleted one no longer can", LONG, async () => {
    const db = await openDatabase({ home });
    const api = await startApi(db);
    const auth = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
    try {
      expect((await fetch(`${api.url}/api/v1/variables`, { headers: auth("alice", "alice-password") })).status).toBe(200);
      expect((await fetch(`${api.url}/api/v1/variables`, { headers: auth("bob", "bob-password") })).status).toBe(403);
      expect((await fetch(`${api.url}/api/v1/dags`, { headers: auth("bob", "wrong-password") })).status).toBe(401);
    } finally {
      await api.close();
      await db.close();
    }
    const deleted = await run("delete", "--username", "bob");
    expect(deleted.code, deleted.stderr).toBe(0);
    const missing = await run("delete", "--username", "bob");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no user "bob"/);
    const reopened = await openDatabase({ home });
    const again = await startApi(reopened);
    try {
      expect((await fetch(`${again.url}/api/v1/dags`, { headers: auth("bob", "bob-password") })).status).toBe(401);
      const { rows } = await reopened.query<{ event: string; owner: string | null; extra: string | null }>("SELECT event, owner, extra FROM log ORDER BY id");
      // alice's read of the variables is in the audit trail too (every variable read is recorded).
      expect(rows.map((r) => r.event)).toEqual(["cli_users_create", "cli_users_create", "cli_users_create", "rest.get", "cli_users_delete"]);
      expect(rows[3].owner).toBe("alice");
      expect(rows[3].extra).toContain("/api/v1/variables");
    } finally {
      await again.close();
      await reopened.close();
    }
  });
});
