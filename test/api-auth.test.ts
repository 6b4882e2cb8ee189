import { afterAll, beforeAll, expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { createUsers, expectProblem, startApi, storeApiDags, type ApiServer } from "./helpers/api.ts";
import { describeEachBackend } from "./helpers/databases.ts";

describeEachBackend("REST API authentication and roles", (backend) => {
  let db: Database;
  let api: ApiServer;

  beforeAll(async () => {
    db = await backend.open();
    await storeApiDags(db);
    await createUsers(db);
    await triggerDagRun(db, "api_shared", { runId: "r1", logicalDate: new Date("2024-03-01T00:00:00Z") });
    await triggerDagRun(db, "api_secret", { runId: "s1", logicalDate: new Date("2024-03-01T00:00:00Z") });
    api = await startApi(db);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  it("answers 401 in the problem shape without credentials or with a wrong password, but serves /health and /version", async () => {
    expectProblem(await api.call("GET", "/dags", { as: null }), 401, /basic auth/);
    const wrong = await fetch(`${api.url}/api/v1/dags`, { headers: { authorization: `Basic ${Buffer.from("admin:nope").toString("base64")}` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Basic");
    expect((await api.call("GET", "/health", { as: null })).status).toBe(200);
    expect((await api.call("GET", "/version", { as: null })).body).toMatchObject({ version: expect.any(String) });
  });

  it("lets a Viewer read but not change: 403 PermissionDenied for pause, trigger, variables", async () => {
    expect((await api.call("GET", "/dags/api_etl", { as: "viewer" })).status).toBe(200);
    expectProblem(await api.call("PATCH", "/dags/api_etl", { as: "viewer", body: { is_paused: false } }), 403, /Viewer/);
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { as: "viewer", body: {} }), 403);
    expectProblem(await api.call("GET", "/variables", { as: "viewer" }), 403);
    expectProblem(await api.call("PATCH", "/dags?dag_id_pattern=api", { as: "viewer", body: { is_paused: false } }), 403, /any DAG/);
    expectProblem(await api.call("POST", "/dags/api_etl/updateTaskInstancesState", { as: "viewer", body: { dag_run_id: "x", task_id: "extract", new_state: "success" } }), 403);
    expect((await api.call("GET", "/dags/api_etl", { as: "viewer" })).body.is_paused).toBe(true);
  });

  it("lets a User trigger and pause but not manage variables, connections or pools; an Op may", async () => {
    expect((await api.call("PATCH", "/dags/api_etl", { as: "user", body: { is_paused: true } })).status).toBe(200);
    expectProblem(await api.call("POST", "/variables", { as: "user", body: { key: "k", value: "v" } }), 403);
    expectProblem(await api.call("POST", "/pools", { as: "user", body: { name: "p", slots: 1 } }), 403);
    expect((await api.call("POST", "/variables", { as: "op", body: { key: "k", value: "v" } })).status).toBe(200);
    expectProblem(await api.call("GET", "/config", { as: "user" }), 403);
    expect((await api.call("GET", "/config", { as: "op" })).status).toBe(200);
  });

  it("shows a role without global DAG access only the DAGs whose access_control grants it, in lists too", async () => {
    const list = await api.call("GET", "/dags", { as: "public" });
    expect(list.status).toBe(200);
    expect(list.body.dags.map((d: { dag_id: string }) => d.dag_id)).toEqual(["api_shared"]);
    expect(list.body.total_entries).toBe(1);
    expect((await api.call("GET", "/dags/api_shared", { as: "public" })).status).toBe(200);
    expectProblem(await api.call("GET", "/dags/api_secret", { as: "public" }), 403, /api_secret/);
    // Public has no DAG Runs permission of its own: reading runs needs it, even of a DAG it may read.
    expectProblem(await api.call("GET", "/dags/api_shared/dagRuns", { as: "public" }), 403);
    expectProblem(await api.call("PATCH", "/dags/api_shared", { as: "public", body: { is_paused: false } }), 403);
    const admin = await api.call("GET", "/dags", { as: "admin" });
    expect(admin.body.dags.map((d: { dag_id: string }) => d.dag_id)).toEqual(["api_etl", "api_secret", "api_shared"]);
  });

  it("writes every change to the event log with the user who made it", async () => {
    await api.call("PATCH", "/dags/api_secret", { as: "user", body: { is_paused: false } });
    await api.call("POST", "/dags/api_secret/dagRuns", { as: "user", body: { dag_run_id: "by_user" } });
    await api.call("PATCH", "/dags/api_secret/dagRuns/by_user", { as: "user", body: { state: "failed" } });
    await api.call("DELETE", "/variables/k", { as: "op" });
    const log = await api.call("GET", "/eventLogs?order_by=-event_log_id&limit=10");
    const events = log.body.event_logs.map((e: { event: string; owner: string }) => `${e.owner}:${e.event}`);
    expect(events).toEqual(expect.arrayContaining(["user:unpaused", "user:trigger", "user:dag_run_failed", "op:variable.delete"]));
  });
});
