import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { API_DAGS_FILE, createUsers, expectProblem, startApi, storeApiDags, type ApiServer } from "./helpers/api.ts";
import { describeEachBackend } from "./helpers/databases.ts";

const ids = (body: { dags: Array<{ dag_id: string }> }) => body.dags.map((d) => d.dag_id);

describeEachBackend("REST API: DAGs", (backend) => {
  let db: Database;
  let api: ApiServer;

  beforeAll(async () => {
    db = await backend.open();
    await storeApiDags(db);
    await createUsers(db);
    api = await startApi(db);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  it("lists DAGs with total_entries, limit/offset, order_by (- for descending) and a 400 for an unknown field", async () => {
    const all = await api.call("GET", "/dags");
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(["api_etl", "api_secret", "api_shared"]);
    expect(all.body.total_entries).toBe(3);
    const page = await api.call("GET", "/dags?limit=1&offset=1&order_by=-dag_id");
    expect(ids(page.body)).toEqual(["api_secret"]);
    expect(page.body.total_entries).toBe(3);
    expectProblem(await api.call("GET", "/dags?order_by=colour"), 400, /Ordering with "colour" is disallowed/);
    expectProblem(await api.call("GET", "/dags?limit=-1"), 400, /limit/);
  });

  it("filters by tags, dag_id_pattern (a substring, LIKE wildcards literal), paused and only_active, and picks fields", async () => {
    expect(ids((await api.call("GET", "/dags?tags=etl&tags=shared")).body)).toEqual(["api_etl", "api_shared"]);
    expect(ids((await api.call("GET", "/dags?dag_id_pattern=sec")).body)).toEqual(["api_secret"]);
    expect(ids((await api.call("GET", "/dags?dag_id_pattern=api_%25")).body)).toEqual([]);
    expect(ids((await api.call("GET", "/dags?paused=false")).body)).toEqual([]);
    const fields = await api.call("GET", "/dags?fields=dag_id&fields=is_paused&limit=1");
    expect(fields.body.dags).toEqual([{ dag_id: "api_etl", is_paused: true }]);
  });

  it("gets a DAG, its details (from the serialized DAG) and its tasks; unknown ids are 404s naming the closest", async () => {
    const dag = await api.call("GET", "/dags/api_etl");
    expect(dag.body).toMatchObject({ dag_id: "api_etl", tags: [{ name: "etl" }, { name: "daily" }], description: "ETL for the API tests", fileloc: API_DAGS_FILE });
    const details = await api.call("GET", "/dags/api_etl/details");
    expect(details.body).toMatchObject({ dag_id: "api_etl", catchup: expect.any(Boolean), timezone: expect.any(String), params: {} });
    const tasks = await api.call("GET", "/dags/api_etl/tasks");
    expect(tasks.body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(["extract", "transform", "load"]);
    const sorted = await api.call("GET", "/dags/api_etl/tasks?order_by=-task_id");
    expect(sorted.body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(["transform", "load", "extract"]);
    expect((await api.call("GET", "/dags/api_etl/tasks/load")).body.task_id).toBe("load");
    expectProblem(await api.call("GET", "/dags/api_etk"), 404, /api_etl/);
  });

  it("pauses and unpauses one DAG, or every DAG matching dag_id_pattern (bulk), and rejects other fields", async () => {
    const unpaused = await api.call("PATCH", "/dags/api_etl", { body: { is_paused: false } });
    expect(unpaused.body.is_paused).toBe(false);
    expect(api.changes.length).toBeGreaterThan(0);
    expectProblem(await api.call("PATCH", "/dags/api_etl?update_mask=description", { body: { is_paused: true } }), 400, /is_paused/);
    expectProblem(await api.call("PATCH", "/dags/api_etl", { body: { dag_id: "x", is_paused: true } }), 400, /read-only/);
    const bulk = await api.call("PATCH", "/dags?dag_id_pattern=api_s&update_mask=is_paused", { body: { is_paused: false } });
    expect(ids(bulk.body)).toEqual(["api_secret", "api_shared"]);
    expect(bulk.body.dags.every((d: { is_paused: boolean }) => !d.is_paused)).toBe(true);
    expectProblem(await api.call("PATCH", "/dags", { body: { is_paused: false } }), 400, /dag_id_pattern/);
    const all = await api.call("PATCH", "/dags?dag_id_pattern=~", { body: { is_paused: true } });
    expect(all.body.total_entries).toBe(3);
  });

  it("serves the DAG file by its file token, and nothing else: a token for another path is a 404", async () => {
    const token = (await api.call("GET", "/dags/api_etl")).body.file_token as string;
    const source = await api.call("GET", `/dagSources/${token}`);
    expect(source.body.content).toContain('dagId: "api_etl"');
    const plain = await api.call("GET", `/dagSources/${token}`, { headers: { accept: "text/plain" } });
    expect(plain.text).toContain('dagId: "api_etl"');
    for (const path of ["/etc/passwd", `${API_DAGS_FILE}/../../../../package.json`, "../package.json"]) {
      expectProblem(await api.call("GET", `/dagSources/${Buffer.from(path).toString("base64url")}`), 404, /file token/);
    }
  });

  it("asks the DAG processor to parse a file again (PUT /parseDagFile), for known files only", async () => {
    await db.query("INSERT INTO dag_file (fileloc, mtime_ms, dag_ids) VALUES ($1, 1234, '[]')", [API_DAGS_FILE]);
    const token = (await api.call("GET", "/dags/api_etl")).body.file_token as string;
    expect((await api.call("PUT", `/parseDagFile/${token}`)).status).toBe(201);
    const { rows } = await db.query<{ mtime_ms: number }>("SELECT mtime_ms FROM dag_file WHERE fileloc = $1", [API_DAGS_FILE]);
    expect(rows[0].mtime_ms).toBe(-1);
    expectProblem(await api.call("PUT", `/parseDagFile/${Buffer.from("/etc/passwd").toString("base64url")}`), 404);
    expectProblem(await api.call("PUT", `/parseDagFile/${token}`, { as: "viewer" }), 403);
  });

  it("deletes a DAG with its runs (409 while tasks run), 404s after, and has its file parsed again", async () => {
    await api.call("POST", "/dags/api_secret/dagRuns", { body: { dag_run_id: "to_delete", logical_date: "2024-05-01T00:00:00+00:00" } });
    await db.query("UPDATE task_instance SET state = 'running' WHERE dag_id = 'api_secret'");
    expectProblem(await api.call("DELETE", "/dags/api_secret"), 409, /running/);
    await db.query("UPDATE task_instance SET state = 'success' WHERE dag_id = 'api_secret'");
    await db.query("UPDATE dag_file SET mtime_ms = 1234 WHERE fileloc = $1", [API_DAGS_FILE]);
    const deleted = await api.call("DELETE", "/dags/api_secret");
    expect(deleted.status).toBe(204);
    // Its file is still there: the DAG processor is asked to parse it again, as Airflow's would.
    expect((await db.query<{ mtime_ms: number }>("SELECT mtime_ms FROM dag_file WHERE fileloc = $1", [API_DAGS_FILE])).rows[0].mtime_ms).toBe(-1);
    expectProblem(await api.call("GET", "/dags/api_secret"), 404);
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM dag_run WHERE dag_id = 'api_secret'");
    expect(rows[0].n).toBe(0);
  });
});
