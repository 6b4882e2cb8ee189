import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { createUsers, expectProblem, startApi, storeApiDags, type ApiServer } from "./helpers/api.ts";
import { describeEachBackend } from "./helpers/databases.ts";

describeEachBackend("REST API: variables, connections, pools, datasets, import errors, event logs, config", (backend) => {
  let db: Database;
  let api: ApiServer;

  beforeAll(async () => {
    db = await backend.open();
    await storeApiDags(db);
    await createUsers(db);
    await db.query("INSERT INTO dataset (uri, extra) VALUES ('s3://bucket/orders', '{\"owner\": \"sales\"}'), ('s3://bucket/users', '{}')");
    await db.query("INSERT INTO import_error (filename, stacktrace) VALUES ('/dags/broken.ts', 'SyntaxError: Unexpected token')");
    api = await startApi(db);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  it("creates, lists (without values), gets, updates with update_mask and deletes variables", async () => {
    expect((await api.call("POST", "/variables", { body: { key: "region", value: "eu-west-1", description: "where" } })).body).toEqual({ key: "region", value: "eu-west-1", description: "where" });
    await api.call("POST", "/variables", { body: { key: "bucket", value: "data" } });
    const list = await api.call("GET", "/variables?order_by=-key");
    expect(list.body).toEqual({ variables: [{ key: "region", description: "where" }, { key: "bucket", description: null }], total_entries: 2 });
    const patched = await api.call("PATCH", "/variables/region?update_mask=value", { body: { key: "region", value: "us-east-1", description: "ignored" } });
    expect(patched.body).toEqual({ key: "region", value: "us-east-1", description: "where" });
    expectProblem(await api.call("PATCH", "/variables/region", { body: { key: "other", value: "x" } }), 400, /renamed/);
    expect((await api.call("DELETE", "/variables/bucket")).status).toBe(204);
    expectProblem(await api.call("GET", "/variables/bucket"), 404, /bucket/);
    expectProblem(await api.call("POST", "/variables", { body: { key: "k" } }), 400, /value/);
  });

  it("manages connections and never answers the password; extra must be a JSON object; test says it cannot test", async () => {
    const body = { connection_id: "warehouse", conn_type: "postgres", host: "db", login: "etl", password: "s3cret", port: 5432, extra: '{"sslmode": "require"}' };
    const created = await api.call("POST", "/connections", { body });
    expect(created.status, created.text).toBe(200);
    expect(created.text).not.toContain("s3cret");
    expect(created.body).toMatchObject({ connection_id: "warehouse", host: "db", port: 5432, extra: '{"sslmode": "require"}' });
    expectProblem(await api.call("POST", "/connections", { body }), 409, /already exists/);
    const list = await api.call("GET", "/connections");
    expect(list.text).not.toContain("s3cret");
    expect(list.body.total_entries).toBe(1);
    const patched = await api.call("PATCH", "/connections/warehouse?update_mask=host", { body: { connection_id: "warehouse", conn_type: "postgres", host: "db2" } });
    expect(patched.body).toMatchObject({ host: "db2", login: "etl" });
    const { rows } = await db.query<{ password: string }>("SELECT password FROM connection WHERE conn_id = 'warehouse'");
    expect(rows[0].password).toBe("s3cret");
    expectProblem(await api.call("POST", "/connections", { body: { connection_id: "bad", conn_type: "http", extra: "not json" } }), 400, /extra must be a JSON object/);
    expectProblem(await api.call("POST", "/connections", { body: { connection_id: "bad id!", conn_type: "http" } }), 400, /connection_id/);
    // As Airflow 2.10's default ([core] test_connection = Disabled); enabled, it really tests (test/connections-variables-cli.test.ts).
    expectProblem(await api.call("POST", "/connections/test", { body: { connection_id: "x", conn_type: "postgres" } }), 403, /Testing connections is disabled/);
    expect((await api.call("DELETE", "/connections/warehouse")).status).toBe(204);
  });

  it("manages pools with their slot counts; default_pool cannot be deleted or renamed", async () => {
    const created = await api.call("POST", "/pools", { body: { name: "api", slots: 3, description: "partner API" } });
    expect(created.body).toMatchObject({ name: "api", slots: 3, open_slots: 3, occupied_slots: 0, running_slots: 0, include_deferred: false });
    expectProblem(await api.call("POST", "/pools", { body: { name: "api", slots: 1 } }), 409);
    expectProblem(await api.call("POST", "/pools", { body: { name: "neg", slots: -5 } }), 400, /slots/);
    expectProblem(await api.call("POST", "/pools", { body: { name: "x", slots: 1, open_slots: 4 } }), 400, /read-only/);
    expect((await api.call("PATCH", "/pools/api?update_mask=slots", { body: { name: "api", slots: 5 } })).body.slots).toBe(5);
    const list = await api.call("GET", "/pools");
    expect(list.body.pools.map((p: { name: string }) => p.name)).toEqual(["api", "default_pool"]);
    expectProblem(await api.call("DELETE", "/pools/default_pool"), 400, /cannot be deleted/);
    expectProblem(await api.call("PATCH", "/pools/default_pool", { body: { name: "renamed", slots: 1 } }), 400, /renamed/);
    expect((await api.call("DELETE", "/pools/api")).status).toBe(204);
    expectProblem(await api.call("GET", "/pools/api"), 404);
  });

  it("lists and gets datasets, and creates and lists dataset events", async () => {
    const list = await api.call("GET", "/datasets?uri_pattern=orders");
    expect(list.body).toMatchObject({ total_entries: 1, datasets: [{ uri: "s3://bucket/orders", extra: { owner: "sales" } }] });
    expect((await api.call("GET", `/datasets/${encodeURIComponent("s3://bucket/users")}`)).body.uri).toBe("s3://bucket/users");
    const event = await api.call("POST", "/datasets/events", { body: { dataset_uri: "s3://bucket/orders", extra: { rows: 10 } } });
    expect(event.body).toMatchObject({ dataset_uri: "s3://bucket/orders", extra: { rows: 10 }, source_dag_id: null });
    expectProblem(await api.call("POST", "/datasets/events", { body: { dataset_uri: "s3://nope" } }), 404, /s3:\/\/nope/);
    expectProblem(await api.call("POST", "/datasets/events", { body: { extra: {} } }), 400, /dataset_uri/);
    const events = await api.call("GET", `/datasets/events?dataset_id=${event.body.dataset_id}`);
    expect(events.body.total_entries).toBe(1);
  });

  it("lists and deletes queued dataset events per DAG and per dataset", async () => {
    await db.query("INSERT INTO dataset_dag_run_queue (dataset_id, target_dag_id) SELECT id, 'api_etl' FROM dataset");
    const orders = encodeURIComponent("s3://bucket/orders");
    const forDag = await api.call("GET", "/dags/api_etl/datasets/queuedEvent");
    expect(forDag.body.total_entries).toBe(2);
    expect((await api.call("GET", `/dags/api_etl/datasets/queuedEvent/${orders}`)).body).toMatchObject({ uri: "s3://bucket/orders", dag_id: "api_etl" });
    expect((await api.call("GET", `/datasets/queuedEvent/${orders}`)).body.datasets).toHaveLength(1);
    expectProblem(await api.call("DELETE", `/datasets/queuedEvent/${orders}`, { as: "user" }), 403);
    expect((await api.call("DELETE", `/dags/api_etl/datasets/queuedEvent/${orders}`)).status).toBe(204);
    expectProblem(await api.call("GET", `/datasets/queuedEvent/${orders}`), 404, /No queued dataset event/);
    expect((await api.call("DELETE", "/dags/api_etl/datasets/queuedEvent")).status).toBe(204);
    expectProblem(await api.call("GET", "/dags/api_etl/datasets/queuedEvent"), 404);
  });

  it("lists import errors, event logs (filtered) and gets one of each", async () => {
    const errors = await api.call("GET", "/importErrors");
    expect(errors.body).toMatchObject({ total_entries: 1, import_errors: [{ filename: "/dags/broken.ts", stack_trace: expect.stringContaining("SyntaxError") }] });
    expect((await api.call("GET", `/importErrors/${errors.body.import_errors[0].import_error_id}`)).status).toBe(200);
    expectProblem(await api.call("GET", "/importErrors/999999"), 404);
    const logs = await api.call("GET", "/eventLogs?event=variable.create&owner=admin");
    expect(logs.body.total_entries).toBe(2);
    const one = await api.call("GET", `/eventLogs/${logs.body.event_logs[0].event_log_id}`);
    expect(one.body.event).toBe("variable.create");
    expect((await api.call("GET", "/eventLogs?excluded_events=variable.create")).body.event_logs.every((e: { event: string }) => e.event !== "variable.create")).toBe(true);
  });

  it("lists roles with their permissions and manages users (Admin only); passwords are never answered", async () => {
    const roles = await api.call("GET", "/roles");
    expect(roles.body.roles.map((r: { name: string }) => r.name)).toEqual(["Admin", "Op", "Public", "User", "Viewer"]);
    const viewer = await api.call("GET", "/roles/Viewer");
    expect(viewer.body.actions).toContainEqual({ action: { name: "can_read" }, resource: { name: "DAGs" } });
    expect(viewer.body.actions).not.toContainEqual({ action: { name: "can_edit" }, resource: { name: "DAGs" } });
    expect((await api.call("GET", "/permissions")).body.total_entries).toBe(4);
    expectProblem(await api.call("POST", "/roles", { body: { name: "Analyst", actions: [] } }), 400, /cannot be created/);
    expectProblem(await api.call("DELETE", "/roles/Viewer"), 400, /cannot be created, changed or deleted/);
    expectProblem(await api.call("GET", "/users", { as: "op" }), 403);
    const created = await api.call("POST", "/users", { body: { username: "zoe", email: "z@example.com", first_name: "Z", last_name: "Z", roles: [{ name: "Viewer" }], password: "zoe-password" } });
    expect(created.status, created.text).toBe(200);
    expect(created.text).not.toContain("zoe-password");
    expectProblem(await api.call("POST", "/users", { body: { username: "yan", email: "y@example.com", first_name: "Y", last_name: "Y", roles: [{ name: "Boss" }], password: "pw-long-1" } }), 400, /Unknown role "Boss"/);
    const zoe = `Basic ${Buffer.from("zoe:zoe-password").toString("base64")}`;
    expect((await fetch(`${api.url}/api/v1/dags`, { headers: { authorization: zoe } })).status).toBe(200);
    expect((await api.call("PATCH", "/users/zoe?update_mask=roles", { body: { username: "zoe", email: "z@example.com", first_name: "Z", last_name: "Z", roles: [{ name: "Op" }] } })).body.roles).toEqual([{ name: "Op" }]);
    expect((await fetch(`${api.url}/api/v1/variables`, { headers: { authorization: zoe } })).status).toBe(200);
    expect((await api.call("GET", "/users?order_by=-username")).body.users[0].username).toBe("zoe");
    expect((await api.call("DELETE", "/users/zoe")).status).toBe(204);
    expectProblem(await api.call("DELETE", "/users/admin"), 400, /yourself/);
  });

  it("counts runs per state (dagStats) and lists no DAG warnings", async () => {
    await db.query("INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date) VALUES ('api_etl', 'x', 'manual', 'failed', now())");
    const stats = await api.call("GET", "/dagStats?dag_ids=api_etl,api_shared");
    expect(stats.body.dags[0]).toEqual({ dag_id: "api_etl", stats: [{ state: "queued", count: 0 }, { state: "running", count: 0 }, { state: "success", count: 0 }, { state: "failed", count: 1 }] });
    expect(stats.body.total_entries).toBe(2);
    expectProblem(await api.call("GET", "/dagStats"), 400, /dag_ids/);
    expect((await api.call("GET", "/dagWarnings")).body).toEqual({ import_errors: [], total_entries: 0 });
  });

  it("answers config with secrets hidden, a single option, plugins, providers, health and version", async () => {
    process.env.UPDRAFT_SECRET_KEY = "do-not-show";
    try {
      const config = await api.call("GET", "/config");
      expect(config.text).not.toContain("do-not-show");
      expect(config.body.sections.find((s: { name: string }) => s.name === "updraft").options).toContainEqual({ key: "secret_key", value: "< hidden >" });
      expect((await api.call("GET", "/config/section/api/option/maximum_page_limit")).body.sections[0].options[0].value).toBe("100");
      expectProblem(await api.call("GET", "/config?section=nope"), 404);
    } finally {
      delete process.env.UPDRAFT_SECRET_KEY;
    }
    expect((await api.call("GET", "/plugins")).body).toEqual({ plugins: [], total_entries: 0 });
    expect((await api.call("GET", "/providers")).body).toEqual({ providers: [], total_entries: 0 });
    expect((await api.call("GET", "/health")).body.metadatabase.status).toBe("healthy");
  });
});
