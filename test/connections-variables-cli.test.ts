import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.ts";
import { generateFernetKey, MultiFernet } from "../core/crypto/fernet.ts";
import type { Database } from "../core/store/database.ts";
import { getConnection } from "../core/store/queries/connections.ts";
import { BACKENDS, POSTGRES_URL, describeEachBackend, describePostgres } from "./helpers/databases.ts";
import { createUsers, expectProblem, startApi, type ApiServer } from "./helpers/api.ts";
import { schemaUrl } from "./helpers/scheduler-process.ts";

const FERNET_PREFIX = /^gAAAAA/;
const KEY_A = generateFernetKey();
const KEY_B = generateFernetKey();
const saved = { ...process.env };

/** `updraft <args>` in this process (the CLI's own entry point), its output captured. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

describePostgres("updraft connections / variables / rotate-key / audit export", () => {
  let db: Database;
  let dir: string;
  beforeAll(async () => {
    const postgres = BACKENDS.find((b) => b.name === "postgres")!;
    db = await postgres.open();
    dir = await mkdtemp(join(tmpdir(), "updraft-cli-secrets-"));
    process.env.UPDRAFT_DATABASE_URL = schemaUrl(postgres.lastSchema!);
    process.env.UPDRAFT_FERNET_KEY = KEY_A;
  });
  afterEach(() => {
    process.env.UPDRAFT_FERNET_KEY = KEY_A;
    delete process.env.UPDRAFT_TEST_CONNECTION;
  });
  afterAll(async () => {
    process.env = { ...saved };
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const raw = async (connId: string) =>
    (await db.query<{ password: string | null; extra: string | null; is_encrypted: boolean; is_extra_encrypted: boolean }>(
      "SELECT password, extra, is_encrypted, is_extra_encrypted FROM connection WHERE conn_id = $1", [connId])).rows[0];
  const rawVariable = async (key: string) => (await db.query<{ val: string; is_encrypted: boolean }>("SELECT val, is_encrypted FROM variable WHERE key = $1", [key])).rows[0];

  it("adds connections in URI, JSON and field form, stores password and extra encrypted, and shows them masked", async () => {
    expect((await cli("connections", "add", "warehouse", "--conn-uri", "postgres://etl:wh%40pass-1@db.internal:5432/dw?sslmode=require")).code).toBe(0);
    const added = await cli("connections", "add", "partner_api", "--conn-json", JSON.stringify({ conn_type: "http", host: "api.partner", password: "api-pass-2", extra: { api_key: "key-abcdef", timeout: 10 } }));
    expect(added.stdout).not.toContain("key-abcdef");
    expect((await cli("connections", "add", "smtp_relay", "--conn-type", "smtp", "--conn-host", "mail", "--conn-port", "25", "--conn-login", "bot", "--conn-password", "smtp-pass-3")).code).toBe(0);
    const stored = await raw("warehouse");
    expect(stored).toMatchObject({ is_encrypted: true, is_extra_encrypted: true });
    expect(stored.password).toMatch(FERNET_PREFIX);
    expect(new MultiFernet([KEY_A]).decrypt(stored.password!)).toBe("wh@pass-1");
    expect(stored.extra).not.toContain("sslmode");

    const shown = await cli("connections", "get", "partner_api", "-o", "json");
    expect(shown.stdout).not.toContain("api-pass-2");
    expect(shown.stdout).not.toContain("key-abcdef");
    expect(JSON.parse(shown.stdout)[0]).toMatchObject({ conn_id: "partner_api", password: "***", extra: { api_key: "***", timeout: 10 }, source: "database" });
    expect(JSON.parse((await cli("connections", "get", "warehouse", "-o", "json", "--show-password")).stdout)[0].password).toBe("wh@pass-1");
    const list = await cli("connections", "list", "-o", "json");
    expect(JSON.parse(list.stdout).map((c: { conn_id: string }) => c.conn_id)).toEqual(["partner_api", "smtp_relay", "warehouse"]);
    expect(list.stdout).not.toMatch(/pass-\d/);
  });

  it("refuses bad input with a message saying what to do, and changes nothing", async () => {
    expect((await cli("connections", "add", "warehouse", "--conn-uri", "postgres://x@y")).stderr).toMatch(/already exists/);
    expect((await cli("connections", "add", "bad id", "--conn-type", "http")).stderr).toMatch(/invalid/);
    expect((await cli("connections", "add", "x1", "--conn-uri", "not a uri")).stderr).toMatch(/does not parse/);
    expect((await cli("connections", "add", "x2", "--conn-uri", "http://h", "--conn-host", "other")).stderr).toMatch(/drop --conn-host/);
    expect((await cli("connections", "get", "warehous")).stderr).toMatch(/Did you mean.*warehouse/i);
    await writeFile(join(dir, "bad.json"), JSON.stringify({ good_one: "http://h", broken: "::::" }));
    expect((await cli("connections", "import", join(dir, "bad.json"))).stderr).toMatch(/broken.*Nothing was imported/);
    expect(await getConnection(db, "good_one")).toBeNull();
  });

  it("sets, gets, imports and exports variables (values encrypted at rest)", async () => {
    expect((await cli("variables", "set", "api_token", "tok-123456", "--description", "partner token")).code).toBe(0);
    expect(await rawVariable("api_token")).toMatchObject({ is_encrypted: true, val: expect.stringMatching(FERNET_PREFIX) });
    expect((await cli("variables", "get", "api_token")).stdout).toBe("tok-123456");
    expect((await cli("variables", "get", "nope", "-d", "fallback")).stdout).toBe("fallback");
    expect((await cli("variables", "get", "nope")).code).toBe(1);
    await writeFile(join(dir, "vars.yaml"), "region: eu-west-1\nlimits:\n  max: 3\napi_token: replaced\n");
    expect((await cli("variables", "import", join(dir, "vars.yaml"), "-a", "fail")).stderr).toMatch(/api_token already exists.*nothing was imported/);
    expect((await cli("variables", "get", "region")).code).toBe(1);
    expect((await cli("variables", "import", join(dir, "vars.yaml"), "-a", "skip")).stdout).toMatch(/2 of 3/);
    expect(JSON.parse((await cli("variables", "get", "limits", "--json")).stdout)).toEqual({ max: 3 });
    expect((await cli("variables", "export", join(dir, "out.json"))).code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, "out.json"), "utf8"))).toEqual({ api_token: "tok-123456", limits: { max: 3 }, region: "eu-west-1" });
    expect((await cli("variables", "list", "-o", "plain")).stdout.split("\n")).toEqual(["api_token", "limits", "region"]);
    expect((await cli("variables", "delete", "region")).code).toBe(0);
    expect((await cli("variables", "delete", "region")).code).toBe(1);
  });

  it("exports connections (JSON form or URIs) and imports them back identically", async () => {
    for (const [file, extra] of [["conns.json", []], ["conns.env", []], ["conns.yaml", ["--serialization-format", "uri"]]] as const) {
      expect((await cli("connections", "export", join(dir, file), ...extra)).code).toBe(0);
    }
    expect(await readFile(join(dir, "conns.env"), "utf8")).toContain("warehouse=postgres://etl:wh%40pass-1@db.internal:5432/dw?sslmode=require");
    const before = await getConnection(db, "partner_api");
    for (const file of ["conns.json", "conns.env", "conns.yaml"]) {
      expect((await cli("connections", "delete", "partner_api")).code).toBe(0);
      expect((await cli("connections", "import", join(dir, file))).stdout).toMatch(/Imported connection partner_api/);
      expect(await getConnection(db, "partner_api")).toEqual(before);
    }
    expect((await cli("connections", "import", join(dir, "conns.json"))).stdout).toMatch(/warehouse: connection already exists/);
  });

  it("rotate-key re-encrypts everything with the first key; a missing or wrong key is a clear error that changes nothing", async () => {
    const snapshot = async () => (await db.query("SELECT conn_id, password, extra FROM connection ORDER BY conn_id")).rows;
    const beforeRows = await snapshot();
    process.env.UPDRAFT_FERNET_KEY = KEY_B;
    expect((await cli("connections", "get", "warehouse")).stderr).toMatch(/cannot be decrypted with the configured UPDRAFT_FERNET_KEY.*Add that key after a comma/);
    expect((await cli("rotate-key")).stderr).toMatch(/cannot be decrypted .* Nothing was changed/);
    expect(await snapshot()).toEqual(beforeRows);
    delete process.env.UPDRAFT_FERNET_KEY;
    expect((await cli("variables", "get", "api_token")).stderr).toMatch(/encrypted but no UPDRAFT_FERNET_KEY/);
    expect((await cli("rotate-key")).stderr).toMatch(/UPDRAFT_FERNET_KEY is not set/);

    process.env.UPDRAFT_FERNET_KEY = `${KEY_B},${KEY_A}`;
    expect((await cli("rotate-key")).stdout).toMatch(/Re-encrypted 3 connection\(s\) and 2 variable\(s\)/);
    process.env.UPDRAFT_FERNET_KEY = KEY_B;
    expect(JSON.parse((await cli("connections", "get", "warehouse", "-o", "json", "--show-password")).stdout)[0].password).toBe("wh@pass-1");
    expect((await cli("variables", "get", "api_token")).stdout).toBe("tok-123456");
    expect(new MultiFernet([KEY_B]).decrypt((await raw("smtp_relay")).password!)).toBe("smtp-pass-3");
  });

  it("connections test: off by default (as Airflow), then tests HTTP and PostgreSQL connections for real", async () => {
    expect((await cli("connections", "test", "warehouse")).stderr).toMatch(/disabled.*UPDRAFT_TEST_CONNECTION=Enabled/);
    process.env.UPDRAFT_TEST_CONNECTION = "Enabled";
    let authorization = "";
    const server: Server = createServer((req, res) => {
      authorization = String(req.headers.authorization);
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await cli("connections", "add", "local_http", "--conn-uri", `http://bot:http-pass-4@127.0.0.1:${port}`);
      expect((await cli("connections", "test", "local_http")).stdout).toMatch(/success/);
      expect(Buffer.from(authorization.replace("Basic ", ""), "base64").toString()).toBe("bot:http-pass-4");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect((await cli("connections", "test", "local_http")).stderr).toMatch(/failed: .*(ECONNREFUSED|fetch failed)/);
    const pgUrl = new URL(POSTGRES_URL);
    await cli("connections", "add", "real_pg", "--conn-uri", `postgres://${pgUrl.username}@${pgUrl.hostname}:${pgUrl.port || 5432}${pgUrl.pathname}`);
    expect((await cli("connections", "test", "real_pg")).code).toBe(0);
    await cli("connections", "add", "dead_pg", "--conn-uri", "postgres://x:y@127.0.0.1:1/db");
    expect((await cli("connections", "test", "dead_pg")).stderr).toMatch(/failed/);
  });

  it("audit export: every CLI action above, who and from which host, for a period, as JSON or CSV", async () => {
    const json = JSON.parse((await cli("audit", "export", "--format", "json")).stdout) as Array<{ event: string; who: string; from: string; via: string; extra: Record<string, unknown> }>;
    const events = json.map((e) => e.event);
    for (const e of ["cli_connections_add", "cli_connections_get", "cli_connections_export", "cli_connections_import", "cli_variables_set", "cli_rotate_fernet_key", "cli_connections_test"]) expect(events).toContain(e);
    const add = json.find((e) => e.event === "cli_connections_add")!;
    expect(add).toMatchObject({ who: expect.any(String), from: expect.any(String), via: "cli", extra: { connection_id: "warehouse" } });
    expect(JSON.stringify(json)).not.toMatch(/pass-\d|tok-123456/);
    const future = await cli("audit", "export", "--format", "csv", "--from", "2099-01-01T00:00:00Z");
    expect(future.stdout).toBe("id,when,who,event,from,via,dag_id,task_id,run_id,map_index,try_number,extra");
    const csv = await cli("audit", "export", "--format", "csv", "--from", "2020-01-01", "--to", "2099-01-01", join(dir, "audit.csv"));
    expect(csv.stdout).toMatch(/Exported \d+ audit record/);
    // The header, the records the JSON export saw, and the two exports since (each export is itself recorded).
    expect((await readFile(join(dir, "audit.csv"), "utf8")).split("\r\n").filter(Boolean).length).toBe(1 + json.length + 2);
    expect((await cli("audit", "export", "--format", "xml")).code).toBe(2);
  });
});

describeEachBackend("REST API: connections and variables encrypted at rest, secrets never answered", (backend) => {
  let db: Database;
  let api: ApiServer;
  beforeAll(async () => {
    process.env.UPDRAFT_FERNET_KEY = KEY_A;
    db = await backend.open();
    await createUsers(db);
    api = await startApi(db);
  });
  afterAll(async () => {
    process.env = { ...saved };
    await api?.close();
    await db?.close();
  });

  it("stores Fernet tokens, answers no password, masks sensitive extra fields and variables, and tests only when enabled", async () => {
    const created = await api.call("POST", "/connections", { body: { connection_id: "svc", conn_type: "http", host: "h", password: "rest-pass-5", extra: JSON.stringify({ token: "rest-token-6", region: "eu" }) } });
    expect(created.status).toBe(200);
    expect(created.text).not.toMatch(/rest-pass-5|rest-token-6/);
    expect(JSON.parse(created.body.extra)).toEqual({ token: "***", region: "eu" });
    const { rows } = await db.query<{ password: string; extra: string; is_encrypted: boolean }>("SELECT password, extra, is_encrypted FROM connection WHERE conn_id = 'svc'");
    expect(rows[0].password).toMatch(FERNET_PREFIX);
    expect(rows[0].extra).toMatch(FERNET_PREFIX);
    expect((await api.call("GET", "/connections/svc")).text).not.toMatch(/rest-pass-5|rest-token-6/);
    await api.call("POST", "/variables", { body: { key: "partner_secret", value: "var-secret-7" } });
    await api.call("POST", "/variables", { body: { key: "region", value: "eu-west-1" } });
    expect((await api.call("GET", "/variables/partner_secret")).body.value).toBe("***");
    expect((await api.call("GET", "/variables/region")).body.value).toBe("eu-west-1");
    expect((await db.query<{ val: string }>("SELECT val FROM variable WHERE key = 'partner_secret'")).rows[0].val).toMatch(FERNET_PREFIX);
    expectProblem(await api.call("POST", "/connections/test", { body: { connection_id: "svc", conn_type: "http", host: "127.0.0.1:1" } }), 403, /disabled.*UPDRAFT_TEST_CONNECTION/);
    process.env.UPDRAFT_TEST_CONNECTION = "Enabled";
    const tested = await api.call("POST", "/connections/test", { body: { connection_id: "svc", conn_type: "http", host: "127.0.0.1", port: 1 } });
    expect(tested.body).toMatchObject({ status: false, message: expect.any(String) });
    delete process.env.UPDRAFT_TEST_CONNECTION;
  });
});

describe("no key configured", () => {
  it("is Airflow's behaviour: values stored in clear, flagged unencrypted (documented in docs/security.md)", async () => {
    const { seal } = await import("../core/crypto/sealed-value.ts");
    const before = process.env.UPDRAFT_FERNET_KEY;
    delete process.env.UPDRAFT_FERNET_KEY;
    delete process.env.AIRFLOW__CORE__FERNET_KEY;
    try {
      expect(seal("plain-pass")).toEqual({ value: "plain-pass", encrypted: false });
    } finally {
      if (before !== undefined) process.env.UPDRAFT_FERNET_KEY = before;
    }
    process.env.AIRFLOW__CORE__FERNET_KEY = KEY_A;
    expect(seal("plain-pass").encrypted).toBe(true);
    delete process.env.AIRFLOW__CORE__FERNET_KEY;
  });
});
