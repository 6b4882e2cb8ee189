import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStandalone, type Standalone } from "../cli/standalone.ts";
import { generateFernetKey } from "../core/crypto/fernet.ts";
import { issueToken, loadSecretKey } from "../core/execution-token.ts";
import type { Database } from "../core/store/database.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { EXECUTION_API_PREFIX } from "../webserver/execution-api/protocol.ts";
import { BACKENDS, describePostgres } from "./helpers/databases.ts";
import { setConnectionForTest } from "./helpers/secrets-fixtures.ts";
import { UiClient } from "./helpers/ui-session.ts";
import { waitFor } from "./helpers/wait-for.ts";
import { setVariable } from "../core/store/queries/variables.ts";

const DAGS = fileURLToPath(new URL("./fixtures/security/dags", import.meta.url));
const PASSWORD = "Pr00f-Pa55word!";
const TOKEN = "tok-proof-91827364";
const LEAKS = [PASSWORD, encodeURIComponent(PASSWORD), TOKEN];
const saved = { ...process.env };

/** Fails naming where a secret appeared. */
function expectNoSecret(where: string, text: string): void {
  for (const secret of LEAKS) expect(text.includes(secret), `${secret} appears in ${where}:\n${text.slice(0, 2000)}`).toBe(false);
}

describePostgres("security proof", () => {
  let db: Database;
  let home: string;
  let standalone: Standalone;
  // Not "admin": the standalone makes that user itself, with a generated password.
  const users = { boss: "Admin", viewer: "Viewer" } as const;
  const rest = (method: string, path: string, as: keyof typeof users | null = "boss", body?: unknown, authorization?: string) =>
    fetch(`${standalone.url}/api/v1${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(authorization ? { authorization } : as ? { authorization: `Basic ${Buffer.from(`${as}:${as}-pw`).toString("base64")}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    process.env.UPDRAFT_FERNET_KEY = generateFernetKey();
    db = await BACKENDS.find((b) => b.name === "postgres")!.open();
    home = await mkdtemp(join(tmpdir(), "updraft-security-"));
    standalone = await startStandalone({ port: 0, home, db, dagsFolder: DAGS, parallelism: 2, dagProcessorIntervalMs: 60_000, log: () => {} });
    for (const [name, role] of Object.entries(users)) {
      await db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [name, role, await hashPassword(`${name}-pw`)]);
    }
    await setConnectionForTest(db, "secure_db", `postgres://etl:${encodeURIComponent(PASSWORD)}@db.internal:5432/dw`);
    await setVariable(db, { key: "partner_api_key", val: TOKEN, description: null });
    await standalone.parseDags();
  }, 120_000);
  afterAll(async () => {
    await standalone?.stop();
    await db?.close();
    await rm(home, { recursive: true, force: true });
    process.env = { ...saved };
  });

  it("a Viewer cannot trigger, clear, or read connections (REST and UI)", async () => {
    expect((await rest("POST", "/dags/secure_etl/dagRuns", "viewer", { dag_run_id: "by_viewer" })).status).toBe(403);
    expect((await rest("POST", "/dags/secure_etl/clearTaskInstances", "viewer", { dry_run: false })).status).toBe(403);
    expect((await rest("GET", "/connections", "viewer")).status).toBe(403);
    expect((await rest("GET", "/connections/secure_db", "viewer")).status).toBe(403);
    expect((await rest("GET", "/variables/partner_api_key", "viewer")).status).toBe(403);
    const ui = new UiClient(standalone.url);
    expect((await ui.login("viewer", "viewer-pw")).status).toBe(303);
    expect((await ui.get("/connections")).status).toBe(403);
    expect((await ui.get("/connections/secure_db/edit")).status).toBe(403);
    expect((await ui.post("/dags/secure_etl/trigger", {})).status).toBe(403);
    expect((await db.query("SELECT count(*)::int AS n FROM dag_run")).rows[0].n).toBe(0);
  });

  it("after a run that used the password, it is in no API response, log file or UI page; every read is audited", async () => {
    expect((await rest("PATCH", "/dags/secure_etl", "boss", { is_paused: false })).status).toBe(200);
    expect((await rest("POST", "/dags/secure_etl/dagRuns", "boss", { dag_run_id: "proof" })).status).toBe(200);
    const run = await waitFor("the run to finish", async () => {
      const body = (await (await rest("GET", "/dags/secure_etl/dagRuns/proof")).json()) as { state: string };
      return body.state === "success" || body.state === "failed" ? body : undefined;
    }, 90_000);
    expect(run.state).toBe("success");

    const paths = [
      "/dags/secure_etl/dagRuns/proof", "/dags/secure_etl/dagRuns/proof/taskInstances",
      "/dags/secure_etl/dagRuns/proof/taskInstances/uses_secrets", "/dags/secure_etl/dagRuns/proof/taskInstances/renders_secret",
      "/dags/secure_etl/dagRuns/proof/taskInstances/uses_secrets/logs/1", "/dags/secure_etl/dagRuns/proof/taskInstances/renders_secret/logs/1",
      "/dags/secure_etl/dagRuns/proof/taskInstances/renders_secret/xcomEntries", "/dags/secure_etl/dagRuns/proof/taskInstances/renders_secret/xcomEntries/return_value",
      "/connections", "/connections/secure_db", "/variables", "/variables/partner_api_key", "/eventLogs?limit=100", "/auditTrail/export",
    ];
    let sawLogLine = false;
    for (const path of paths) {
      const response = await rest("GET", path);
      const text = await response.text();
      expect(response.status, `${path}: ${text}`).toBe(200);
      expectNoSecret(`GET ${path}`, text);
      if (path.endsWith("uses_secrets/logs/1")) sawLogLine = text.includes("with password ***");
    }
    expect(sawLogLine).toBe(true);
    const rendered = (await (await rest("GET", "/dags/secure_etl/dagRuns/proof/taskInstances/renders_secret")).json()) as { rendered_fields: Record<string, unknown> };
    expect(Object.values(rendered.rendered_fields)).toContain("echo 'dsn=postgres://etl:***@db.internal/'");

    const logFiles: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name));
        else if (entry.name.endsWith(".log")) logFiles.push(join(dir, entry.name));
      }
    };
    await walk(home);
    expect(logFiles.length).toBeGreaterThanOrEqual(2);
    for (const file of logFiles) expectNoSecret(file, await readFile(file, "utf8"));

    const ui = new UiClient(standalone.url);
    expect((await ui.login("boss", "boss-pw")).status).toBe(303);
    for (const page of ["/dags/secure_etl/runs/proof/tasks/renders_secret", "/dags/secure_etl/runs/proof/tasks/uses_secrets/log", "/dags/secure_etl/runs/proof/tasks/renders_secret/log", "/connections", "/connections/secure_db/edit", "/variables", "/audit-log"]) {
      const response = await ui.get(page);
      expect(response.status, page).toBe(200);
      expectNoSecret(`UI ${page}`, response.text);
    }

    const reads = (await db.query<{ event: string; task_id: string; owner: string; extra: string }>(
      "SELECT event, task_id, owner, extra FROM log WHERE event IN ('connection.read', 'variable.read') AND task_id IS NOT NULL ORDER BY id")).rows;
    expect(reads.map((r) => `${r.task_id}:${r.event}`)).toEqual(expect.arrayContaining(["uses_secrets:connection.read", "uses_secrets:variable.read", "renders_secret:connection.read"]));
    expect(JSON.parse(reads[0].extra)).toMatchObject({ source: "database", via: "execution-api", host: hostname() });
    const restRead = (await db.query<{ owner: string; extra: string }>("SELECT owner, extra FROM log WHERE event = 'connection.read' AND task_id IS NULL")).rows[0];
    expect(restRead.owner).toBe("boss");
    expect(JSON.parse(restRead.extra)).toMatchObject({ connection_id: "secure_db", ip: expect.any(String), via: "rest" });
  }, 120_000);

  it("refuses a tampered session cookie, a wrong password, and a tampered or foreign execution token", async () => {
    const ui = new UiClient(standalone.url);
    await ui.login("boss", "boss-pw");
    const cookie = (ui as unknown as { cookie: string }).cookie;
    const [name, value] = cookie.split("=");
    const tampered = `${name}=${value.slice(0, -2)}${value.endsWith("AA") ? "BB" : "AA"}`;
    const response = await fetch(`${standalone.url}/connections`, { headers: { cookie: tampered }, redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/login/);
    expect((await rest("GET", "/connections", null, undefined, `Basic ${Buffer.from("boss:wrong").toString("base64")}`)).status).toBe(401);

    const secret = loadSecretKey(home);
    const key = { dagId: "secure_etl", runId: "proof", taskId: "uses_secrets", mapIndex: -1, tryNumber: 1 };
    const call = (token: string, path: string, method = "GET", body?: unknown) =>
      fetch(`${standalone.url}${EXECUTION_API_PREFIX}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const valid = issueToken(secret, key);
    // A token whose claims were edited to name another task instance, signature kept: refused.
    const [payload, signature] = valid.split(".");
    const forgedClaims = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), taskId: "renders_secret" };
    const forged = `${Buffer.from(JSON.stringify(forgedClaims)).toString("base64url")}.${signature}`;
    expect((await call(forged, "/connections/secure_db")).status).toBe(401);
    expect((await call(`${valid}x`, "/variables/partner_api_key")).status).toBe(401);
    expect((await call(issueToken(Buffer.from("not the server's key"), key), "/connections/secure_db")).status).toBe(401);
    // A real token of one task instance acts on that one only: it cannot finish another (the finished try is refused).
    expect((await call(valid, "/ti/finish", "POST", { state: "failed" })).status).toBe(409);
    const states = (await db.query<{ task_id: string; state: string }>("SELECT task_id, state FROM task_instance WHERE run_id = 'proof' ORDER BY task_id")).rows;
    expect(states).toEqual([{ task_id: "renders_secret", state: "success" }, { task_id: "uses_secrets", state: "success" }]);
  });
});
