import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { logPathFor } from "../scheduler/scheduler.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { dagsTest, REPO_ROOT, updraft } from "./helpers/cli.ts";
import { createUsers, startApi, type ApiServer } from "./helpers/api.ts";
import { BACKENDS, describePostgres } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { startVaultKvServer } from "./helpers/vault-kv-server.ts";

const LOCAL_FILES = {
  UPDRAFT_SECRETS_BACKEND: "local-filesystem",
  UPDRAFT_SECRETS_BACKEND_KWARGS: JSON.stringify({
    connections_file_path: join(REPO_ROOT, "dags/phase16/secrets/connections.yaml"),
    variables_file_path: join(REPO_ROOT, "dags/phase16/secrets/variables.yaml"),
  }),
};

describe("phase5_01_connections_variables (dags test)", () => {
  it("runs as is: variables fall back to their defaults, the connection task is skipped saying how to define it", async () => {
    const { states, run } = await dagsTest("phase5_01_connections_variables");
    expect(run.state).toBe("success");
    expect(states).toEqual({ readConfig: "success", useConnection: "skipped", templated_dsn: "skipped" });
  });

  it("with a connection and a JSON variable, uses them and prints the password only as ***", async () => {
    const result = await updraft(["dags", "test", "phase5_01_connections_variables", "2024-01-03"], {
      env: {
        UPDRAFT_CONN_PHASE5_WAREHOUSE: "postgres://etl:ex4mple-pw@db.internal:5432/dw?sslmode=require",
        UPDRAFT_VAR_PHASE5_CONFIG: JSON.stringify({ batch_size: 250, tables: ["orders", "customers"] }),
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Loading orders, customers in batches of 250");
    expect(result.stdout).toContain("as etl with password ***");
    expect(result.stdout).toContain("connecting to postgres://etl:***@db.internal");
    expect(result.stdout + result.stderr).not.toContain("ex4mple-pw");
  });
});

describe("phase16_01_secrets_backend (dags test)", () => {
  it("reads its connections and variables from Vault (KV v2), masked in the output", async () => {
    const vault = await startVaultKvServer();
    try {
      vault.put("connections/phase16_reporting_db", { conn_uri: "postgres://reporter:vault-pw-77@reporting.internal:5432/reports" });
      vault.put("connections/phase16_partner_api", { conn_type: "http", host: "https://partner.example.com", extra: { api_key: "vault-api-key-77", timeout: 30 } });
      vault.put("variables/phase16_partner_token", { value: "vault-token-77" });
      const result = await updraft(["dags", "test", "phase16_01_secrets_backend", "2024-01-03"], {
        env: { UPDRAFT_SECRETS_BACKEND: "vault", UPDRAFT_SECRETS_BACKEND_KWARGS: JSON.stringify({ url: vault.url, token: vault.rootToken }) },
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain("Reading reports from reporting.internal/reports as reporter (password ***)");
      expect(result.stdout + result.stderr).not.toMatch(/vault-pw-77|vault-api-key-77|vault-token-77/);
      expect(vault.requests).toContain("GET /v1/secret/data/variables/phase16_partner_token");
    } finally {
      await vault.close();
    }
  });

  it("fails at once, saying how to configure a backend, when none is", async () => {
    const { states, stdout } = await dagsTest("phase16_01_secrets_backend", "2024-01-03", ["--verbose"]);
    expect(states.checkBackend).toBe("failed");
    expect(states.buildReport).toBe("upstream_failed");
    expect(stdout).not.toContain("local-file");
  });
});

describePostgres("phase16 under the scheduler: secrets backend, per-DAG access, audited reads", () => {
  const saved = { ...process.env };
  // The execution API (in this process) does the lookups: the backend is configured before it first reads one.
  beforeAll(() => {
    Object.assign(process.env, LOCAL_FILES);
  });
  const env = harnessOverFolder(BACKENDS.find((b) => b.name === "postgres")!, join(REPO_ROOT, "dags/phase16"));
  let api: ApiServer;
  beforeAll(async () => {
    await createUsers(env.db);
    api = await startApi(env.db);
  });
  afterAll(async () => {
    await api?.close();
    process.env = { ...saved };
  });

  it("phase16_01 reads the local-file backend through the execution API; the task log shows *** for each secret", async () => {
    const run = await triggerDagRun(env.db, "phase16_01_secrets_backend", { logicalDate: new Date("2024-01-03T00:00:00Z") });
    expect(await env.harness.waitForRun("phase16_01_secrets_backend", run.run_id)).toBe("success");
    const log = await readFile(logPathFor(env.harness.home, { dagId: "phase16_01_secrets_backend", runId: run.run_id, taskId: "callPartner", mapIndex: -1 }, 1), "utf8");
    expect(log).toContain("with api_key ***");
    expect(log).not.toContain("local-file-api-key");
    const sources = (await env.db.query<{ extra: string }>("SELECT extra FROM log WHERE dag_id = 'phase16_01_secrets_backend' AND event = 'connection.read'")).rows;
    expect(sources.map((r) => JSON.parse(r.extra).source)).toEqual(["backend", "backend"]);
  });

  it("phase16_02: the Public role reads this DAG only; Viewer and Public cannot trigger it, User can", async () => {
    const publicDags = await api.call("GET", "/dags", { as: "public" });
    expect(publicDags.body.dags.map((d: { dag_id: string }) => d.dag_id)).toEqual(["phase16_02_rbac_patterns"]);
    expect((await api.call("GET", "/dags/phase16_03_audit_compliance", { as: "public" })).status).toBe(403);
    for (const as of ["public", "viewer"] as const) {
      expect((await api.call("POST", "/dags/phase16_02_rbac_patterns/dagRuns", { as, body: { dag_run_id: `by_${as}` } })).status).toBe(403);
    }
    expect((await api.call("GET", "/connections", { as: "viewer" })).status).toBe(403);
    expect((await api.call("POST", "/dags/phase16_02_rbac_patterns/dagRuns", { as: "user", body: { dag_run_id: "by_user" } })).status).toBe(200);
  });

  it("phase16_03: each variable read is recorded with its task instance; the trail is exported as CSV over REST", async () => {
    const run = await triggerDagRun(env.db, "phase16_03_audit_compliance", { logicalDate: new Date("2024-01-03T00:00:00Z") });
    expect(await env.harness.waitForRun("phase16_03_audit_compliance", run.run_id)).toBe("success");
    const reads = (await env.db.query<{ task_id: string; try_number: number; owner: string; extra: string }>(
      "SELECT task_id, try_number, owner, extra FROM log WHERE dag_id = 'phase16_03_audit_compliance' AND event = 'variable.read' ORDER BY id")).rows;
    expect(reads.map((r) => [r.task_id, JSON.parse(r.extra).key, r.try_number])).toEqual([
      ["readPolicy", "phase16_retention_days", 1], ["reportReads", "phase16_data_owner", 1],
    ]);
    const response = await fetch(`${api.url}/api/v1/auditTrail/export?format=csv&from=2000-01-01T00:00:00Z`, { headers: { authorization: `Basic ${Buffer.from("admin:admin-pw").toString("base64")}` } });
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
    const csv = await response.text();
    expect(csv.split("\r\n")[0]).toBe("id,when,who,event,from,via,dag_id,task_id,run_id,map_index,try_number,extra");
    // who, what, from where (the runner's host), through which door, and the task instance.
    expect(csv).toContain(`task:phase16_03_audit_compliance.readPolicy,variable.read,${hostname()},execution-api,phase16_03_audit_compliance,readPolicy`);
    const viewer = await fetch(`${api.url}/api/v1/auditTrail/export`, { headers: { authorization: `Basic ${Buffer.from("public:public-pw").toString("base64")}` } });
    expect(viewer.status).toBe(403);
  });
});
