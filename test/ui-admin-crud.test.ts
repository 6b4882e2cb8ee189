import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Standalone } from "../cli/standalone.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { startUiStandalone, UiClient, type UiResponse } from "./helpers/ui-session.ts";

let standalone: Standalone & { removeHome(): Promise<void> };
let admin: UiClient;

beforeAll(async () => {
  standalone = await startUiStandalone();
  admin = new UiClient(standalone.url);
  expect((await admin.login("admin", standalone.adminPassword!)).status).toBe(303);
  await standalone.db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('user', 'User', $1)", [await hashPassword("user-pass")]);
}, 60_000);

afterAll(async () => {
  await standalone?.stop();
  await standalone?.removeHome();
});

const rows = async <T>(sql: string, params: unknown[] = []) => (await standalone.db.query<T & Record<string, unknown>>(sql, params)).rows;
const variable = async (key: string) => (await rows<{ val: string; description: string | null }>("SELECT val, description FROM variable WHERE key = $1", [key]))[0];
const pool = async (name: string) => (await rows<{ slots: number; description: string; include_deferred: boolean }>("SELECT slots, description, include_deferred FROM slot_pool WHERE pool = $1", [name]))[0];
const connection = async (id: string) => (await rows<{ conn_type: string; host: string | null; password: string | null; port: number | null; extra: string | null }>("SELECT * FROM connection WHERE conn_id = $1", [id]))[0];
const events = async (prefix: string) =>
  (await rows<{ event: string; owner: string; extra: string }>("SELECT event, owner, extra FROM log WHERE event LIKE $1 ORDER BY id", [`${prefix}.%`])).map((e) => [e.event, e.owner, JSON.parse(e.extra)]);
/** Everything a refused form must leave alone. */
const everything = async () => ({
  variables: await rows("SELECT * FROM variable ORDER BY key"),
  pools: await rows("SELECT * FROM slot_pool ORDER BY pool"),
  connections: await rows("SELECT * FROM connection ORDER BY conn_id"),
  log: await rows("SELECT count(*)::int AS n FROM log"),
});
const redirected = (response: UiResponse, to: string) => {
  expect(response.status, response.text).toBe(303);
  expect(response.location).toBe(to);
};

describe("variables from the UI", () => {
  it("adds, edits and deletes a variable as an Admin, with the list and the event log following", async () => {
    const list = await admin.get("/variables");
    expect(list.text).toContain('href="/variables/new"');
    expect((await admin.get("/variables/new")).status).toBe(200);

    redirected(await admin.post("/variables", { key: "region", value: "eu-west-1", description: "where to run" }), "/variables");
    const added = await admin.get("/variables");
    expect(added.text).toContain('Variable &quot;region&quot; added.');
    expect(added.text).toContain("eu-west-1");
    expect(added.text).toContain('action="/variables/region/delete"');

    const edit = await admin.get("/variables/region/edit");
    expect(edit.text).toContain("eu-west-1");
    redirected(await admin.post("/variables/region", { value: "us-east-1", description: "moved" }), "/variables");
    expect(await variable("region")).toEqual({ val: "us-east-1", description: "moved" });
    expect((await admin.get("/variables")).text).toContain("us-east-1");

    redirected(await admin.post("/variables/region/delete"), "/variables");
    expect(await variable("region")).toBeUndefined();
    expect((await admin.get("/variables")).text).not.toContain("us-east-1");
    expect(await events("variable")).toEqual([
      ["variable.create", "admin", { key: "region" }],
      ["variable.edit", "admin", { key: "region" }],
      ["variable.delete", "admin", { key: "region" }],
    ]);
    expect((await admin.get("/audit-log?event=variable.edit")).text).toContain("variable.edit");
  });

  it("refuses an empty key and an existing key with the form shown again, changing nothing", async () => {
    await admin.post("/variables", { key: "taken", value: "first" });
    const before = await everything();
    const empty = await admin.post("/variables", { key: "  ", value: "x", description: "kept in the form" });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("The key is empty: give the variable a key");
    expect(empty.text).toContain("kept in the form");
    const duplicate = await admin.post("/variables", { key: "taken", value: "second" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.text).toContain("Variable &quot;taken&quot; already exists");
    expect(await everything()).toEqual(before);
  });

  it("never puts a secret-looking value into a page; an empty value on its edit form keeps it", async () => {
    redirected(await admin.post("/variables", { key: "db_password", value: "s3cr3t-value-1" }), "/variables");
    const edit = await admin.get("/variables/db_password/edit");
    expect(edit.status).toBe(200);
    expect(edit.text).not.toContain("s3cr3t-value-1");
    expect(edit.text).toContain("leave the field empty to keep it");
    expect((await admin.get("/variables")).text).not.toContain("s3cr3t-value-1");

    redirected(await admin.post("/variables/db_password", { value: "", description: "the warehouse's" }), "/variables");
    expect(await variable("db_password")).toEqual({ val: "s3cr3t-value-1", description: "the warehouse's" });
    redirected(await admin.post("/variables/db_password", { value: "s3cr3t-value-2", description: "" }), "/variables");
    expect(await variable("db_password")).toEqual({ val: "s3cr3t-value-2", description: null });

    const again = await admin.post("/variables", { key: "db_password", value: "s3cr3t-value-3" });
    expect(again.status).toBe(409);
    expect(again.text).not.toContain("s3cr3t-value-3");
    expect(again.text).toContain("Type the value again.");
    for (const path of ["/variables", "/variables/db_password/edit", "/audit-log"]) expect((await admin.get(path)).text, path).not.toMatch(/s3cr3t-value/);
  });
});

describe("pools from the UI", () => {
  it("adds, edits and deletes a pool as an Admin, with the list and the event log following", async () => {
    redirected(await admin.post("/pools", { name: "warehouse", slots: "3", description: "the db", include_deferred: "true" }), "/pools");
    const list = await admin.get("/pools");
    expect(list.text).toContain("warehouse");
    expect(list.text).toContain('action="/pools/warehouse/delete"');
    expect(await pool("warehouse")).toEqual({ slots: 3, description: "the db", include_deferred: true });

    expect((await admin.get("/pools/warehouse/edit")).text).toContain('value="3"');
    redirected(await admin.post("/pools/warehouse", { slots: "-1", description: "unbounded" }), "/pools");
    expect(await pool("warehouse")).toEqual({ slots: -1, description: "unbounded", include_deferred: false });
    expect((await admin.get("/pools")).text).toContain("unbounded");

    redirected(await admin.post("/pools/warehouse/delete"), "/pools");
    expect(await pool("warehouse")).toBeUndefined();
    expect((await admin.get("/pools")).text).not.toContain("<td>warehouse</td>");
    expect(await events("pool")).toEqual([
      ["pool.create", "admin", { pool: "warehouse", slots: 3 }],
      ["pool.edit", "admin", { from: "warehouse", pool: "warehouse", slots: -1, description: "unbounded", include_deferred: false }],
      ["pool.delete", "admin", { pool: "warehouse" }],
    ]);
  });

  it("refuses bad slots, an empty name and an existing name with the form shown again, changing nothing", async () => {
    await admin.post("/pools", { name: "small", slots: "1" });
    const before = await everything();
    for (const slots of ["abc", "-5", "1.5", "", "99999999999"]) {
      const bad = await admin.post("/pools", { name: "other", slots });
      expect(bad.status, slots).toBe(400);
      expect(bad.text).toContain("slots must be a whole number ≥ 0, or -1 for unlimited.");
      expect(bad.text).toContain('value="other"');
    }
    const badEdit = await admin.post("/pools/small", { slots: "many" });
    expect(badEdit.status).toBe(400);
    expect(badEdit.text).toContain("slots must be a whole number");
    expect((await admin.post("/pools", { name: "", slots: "2" })).text).toContain("The name is empty");
    const duplicate = await admin.post("/pools", { name: "small", slots: "2" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.text).toContain("Pool &quot;small&quot; already exists");
    expect(await everything()).toEqual(before);
  });

  it("never deletes default_pool, and says why", async () => {
    const list = await admin.get("/pools");
    expect(list.text).not.toContain('action="/pools/default_pool/delete"');
    expect(list.text).toContain("default_pool cannot be deleted (every task without a pool uses it); resize it instead.");
    const before = await everything();
    const refused = await admin.post("/pools/default_pool/delete");
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("default_pool cannot be deleted (every task without a pool uses it); resize it instead.");
    expect(await everything()).toEqual(before);
  });
});

describe("connections from the UI", () => {
  const form = { conn_id: "warehouse_db", conn_type: "postgres", host: "db.example", schema: "sales", login: "etl", password: "pw-AAA-123", port: "5432", extra: '{"timeout": 10, "api_key": "xk-999", "auth": {"user": "u", "token": "tk-555"}}' };

  it("adds, edits and deletes a connection as an Admin; the password and secret extra fields never reach a page", async () => {
    const created = await admin.post("/connections", form);
    redirected(created, "/connections");
    const pages: UiResponse[] = [created];
    const list = await admin.get("/connections");
    pages.push(list);
    expect(list.text).toContain("db.example");
    expect(list.text).toContain("set (hidden)");

    const edit = await admin.get("/connections/warehouse_db/edit");
    pages.push(edit);
    expect(edit.text).toContain("sales");
    expect(edit.text).toContain("&quot;api_key&quot;: &quot;***&quot;");
    expect(edit.text).toContain("leave empty to keep it");
    // The edit form posted back as shown: the empty password and the *** keep what is stored.
    expect(edit.text).toContain("&quot;token&quot;: &quot;***&quot;");
    const extraShown = JSON.stringify({ timeout: 20, api_key: "***", auth: { user: "u2", token: "***" } });
    pages.push(await admin.post("/connections/warehouse_db", { ...form, conn_id: null, host: "db2.example", password: "", extra: extraShown }));
    expect(await connection("warehouse_db")).toMatchObject({ host: "db2.example", password: "pw-AAA-123", port: 5432 });
    expect(JSON.parse((await connection("warehouse_db")).extra!)).toEqual({ timeout: 20, api_key: "xk-999", auth: { user: "u2", token: "tk-555" } });

    pages.push(await admin.post("/connections/warehouse_db", { ...form, conn_id: null, password: "pw-BBB-456" }));
    expect((await connection("warehouse_db")).password).toBe("pw-BBB-456");
    pages.push(await admin.get("/connections"), await admin.get("/connections/warehouse_db/edit"), await admin.get("/audit-log"));
    for (const page of pages) {
      expect(page.text).not.toMatch(/pw-AAA-123|pw-BBB-456/);
      expect(page.text).not.toMatch(/xk-999|tk-555/);
    }

    redirected(await admin.post("/connections/warehouse_db", { ...form, conn_id: null, password: "", clear_password: "true" }), "/connections");
    expect((await connection("warehouse_db")).password).toBeNull();
    redirected(await admin.post("/connections/warehouse_db/delete"), "/connections");
    expect(await connection("warehouse_db")).toBeUndefined();
    expect((await admin.get("/connections")).text).not.toContain("<td>warehouse_db</td>");
    expect(await events("connection")).toEqual([
      ["connection.create", "admin", { connection_id: "warehouse_db" }],
      ["connection.edit", "admin", { connection_id: "warehouse_db" }],
      ["connection.edit", "admin", { connection_id: "warehouse_db" }],
      ["connection.edit", "admin", { connection_id: "warehouse_db" }],
      ["connection.delete", "admin", { connection_id: "warehouse_db" }],
    ]);
  });

  it("refuses bad extra JSON, a bad port, a bad id, no type and an existing id, changing nothing and echoing no password", async () => {
    await admin.post("/connections", { conn_id: "existing", conn_type: "http", password: "pw-OLD-777" });
    const before = await everything();
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ extra: "{bad" }, 400, "extra must be a JSON object in a string"],
      [{ extra: "[1, 2]" }, 400, "extra must be a JSON object in a string."],
      [{ port: "http" }, 400, "port &quot;http&quot; is not a port: give a whole number from 1 to 65535"],
      [{ port: "70000" }, 400, "is not a port"],
      [{ conn_id: "bad id!" }, 400, "connection_id &quot;bad id!&quot; is invalid: use 1–250 letters, digits, _ . or -."],
      [{ conn_type: "" }, 400, "conn_type is required"],
      [{ conn_id: "existing" }, 409, "Connection &quot;existing&quot; already exists"],
    ];
    for (const [change, status, message] of cases) {
      const refused = await admin.post("/connections", { ...form, password: "pw-NEW-888", ...change });
      expect(refused.status, JSON.stringify(change)).toBe(status);
      expect(refused.text).toContain(message);
      expect(refused.text).toContain("Type the password again");
      expect(refused.text).not.toContain("pw-NEW-888");
    }
    const badEdit = await admin.post("/connections/existing", { conn_type: "http", extra: "{nope", password: "pw-NEW-888" });
    expect(badEdit.status).toBe(400);
    expect(badEdit.text).toContain("extra must be a JSON object");
    expect(badEdit.text).not.toMatch(/pw-NEW-888|pw-OLD-777/);
    expect(await everything()).toEqual(before);
  });
});

describe("who may change them", () => {
  it("refuses every change to a Viewer and a User with the 403 page, changing nothing", async () => {
    await admin.post("/variables", { key: "shared_var", value: "v" });
    await admin.post("/pools", { name: "shared_pool", slots: "2" });
    await admin.post("/connections", { conn_id: "shared_conn", conn_type: "http" });
    const viewer = new UiClient(standalone.url);
    expect((await viewer.login("viewer", "viewer-pass")).status).toBe(303);
    const user = new UiClient(standalone.url);
    expect((await user.login("user", "user-pass")).status).toBe(303);
    const before = await everything();
    const posts: Array<[string, Record<string, string>]> = [
      ["/variables", { key: "new_var", value: "x" }],
      ["/variables/shared_var", { value: "changed" }],
      ["/variables/shared_var/delete", {}],
      ["/pools", { name: "new_pool", slots: "1" }],
      ["/pools/shared_pool", { slots: "9" }],
      ["/pools/shared_pool/delete", {}],
      ["/connections", { conn_id: "new_conn", conn_type: "http" }],
      ["/connections/shared_conn", { conn_type: "ftp" }],
      ["/connections/shared_conn/delete", {}],
    ];
    for (const [client, role] of [[viewer, "Viewer"], [user, "User"]] as const) {
      for (const [path, form] of posts) {
        const refused = await client.post(path, form);
        expect(refused.status, `${role} ${path}`).toBe(403);
        expect(refused.text).toContain(`Your role (${role}) may not`);
      }
      for (const path of ["/variables/new", "/pools/shared_pool/edit", "/connections/shared_conn/edit"]) expect((await client.get(path)).status, path).toBe(403);
    }
    expect(await everything()).toEqual(before);
  });

  it("lets an Op do it too, with the buttons shown and the Op named in the event log; a Viewer sees no button", async () => {
    await standalone.db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('op', 'Op', $1)", [await hashPassword("op-pass")]);
    const op = new UiClient(standalone.url);
    expect((await op.login("op", "op-pass")).status).toBe(303);
    for (const [path, button] of [["/variables", 'href="/variables/new"'], ["/pools", 'href="/pools/new"'], ["/connections", 'href="/connections/new"']]) {
      expect((await op.get(path)).text, path).toContain(button);
    }
    redirected(await op.post("/pools", { name: "op_pool", slots: "4" }), "/pools");
    expect((await events("pool")).at(-1)).toEqual(["pool.create", "op", { pool: "op_pool", slots: 4 }]);
    const viewer = new UiClient(standalone.url);
    await viewer.login("viewer", "viewer-pass");
    expect((await viewer.get("/dags")).text).not.toMatch(/\/(pools|variables|connections)\/new/);
  });

  it("refuses a change without the session's CSRF token, or with a forged one (403), changing nothing", async () => {
    const before = await everything();
    for (const csrf of [null, "forged-token"]) {
      for (const [path, form] of [
        ["/variables", { key: "csrf_var", value: "x" }],
        ["/variables/shared_var/delete", {}],
        ["/pools", { name: "csrf_pool", slots: "1" }],
        ["/pools/shared_pool", { slots: "7" }],
        ["/connections", { conn_id: "csrf_conn", conn_type: "http" }],
        ["/connections/shared_conn/delete", {}],
      ] as const) {
        const refused = await admin.post(path, { ...form, _csrf: csrf });
        expect(refused.status, path).toBe(403);
        expect(refused.text).toContain("CSRF token");
      }
    }
    expect(await everything()).toEqual(before);
  });
});
