import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { createUsers, expectProblem, startApi, storeApiDags, type ApiServer } from "./helpers/api.ts";
import { describeEachBackend } from "./helpers/databases.ts";

const runIds = (body: { dag_runs: Array<{ dag_run_id: string }> }) => body.dag_runs.map((r) => r.dag_run_id);
const tiStates = async (db: Database, runId: string) =>
  Object.fromEntries((await db.query<{ task_id: string; state: string | null }>("SELECT task_id, state FROM task_instance WHERE run_id = $1", [runId])).rows.map((r) => [r.task_id, r.state]));

describeEachBackend("REST API: DAG runs", (backend) => {
  let db: Database;
  let api: ApiServer;

  beforeAll(async () => {
    db = await backend.open();
    await storeApiDags(db);
    await createUsers(db);
    api = await startApi(db);
    for (const [runId, date] of [["r1", "2024-01-01"], ["r2", "2024-01-02"], ["r3", "2024-01-03"]]) {
      const created = await api.call("POST", "/dags/api_etl/dagRuns", { body: { dag_run_id: runId, logical_date: `${date}T00:00:00+00:00`, conf: { n: 1 }, note: `note ${runId}` } });
      expect(created.status, created.text).toBe(200);
    }
    await api.call("POST", "/dags/api_shared/dagRuns", { body: { dag_run_id: "s1", logical_date: "2024-01-01T00:00:00+00:00" } });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  it("triggers a run with conf, run id, logical date and note; a second one with the same id is a 409", async () => {
    const run = await api.call("GET", "/dags/api_etl/dagRuns/r1");
    expect(run.body).toMatchObject({ dag_run_id: "r1", dag_id: "api_etl", state: "queued", conf: { n: 1 }, note: "note r1", logical_date: "2024-01-01T00:00:00.000Z", run_type: "manual", external_trigger: true });
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { body: { dag_run_id: "r1" } }), 409, /already has a run/);
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { body: { conf: [1] } }), 400, /conf/);
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { body: { run_type: "manual" } }), 400, /read-only/);
    expectProblem(await api.call("GET", "/dags/api_etl/dagRuns/nope"), 404, /no run "nope"/);
  });

  it("lists runs per DAG and with ~ for every DAG, with filters, order_by and pagination", async () => {
    const list = await api.call("GET", "/dags/api_etl/dagRuns?order_by=-logical_date&limit=2");
    expect(runIds(list.body)).toEqual(["r3", "r2"]);
    expect(list.body.total_entries).toBe(3);
    const all = await api.call("GET", "/dags/~/dagRuns?order_by=dag_id");
    expect(all.body.total_entries).toBe(4);
    const ranged = await api.call("GET", "/dags/api_etl/dagRuns?execution_date_gte=2024-01-02T00:00:00Z&state=queued");
    expect(runIds(ranged.body).sort()).toEqual(["r2", "r3"]);
    expectProblem(await api.call("GET", "/dags/api_etl/dagRuns?order_by=-nope"), 400, /nope/);
    expectProblem(await api.call("GET", "/dags/api_etl/dagRuns?execution_date_gte=yesterday"), 400, /execution_date_gte/);
    expect((await api.call("GET", "/dags/unknown_dag/dagRuns")).body).toEqual({ dag_runs: [], total_entries: 0 });
  });

  it("lists runs in batch (POST /dags/~/dagRuns/list) with dag_ids, states and page_limit", async () => {
    const batch = await api.call("POST", "/dags/~/dagRuns/list", { body: { dag_ids: ["api_shared", "api_etl"], order_by: "-execution_date", page_limit: 2 } });
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body.total_entries).toBe(4);
    expect(batch.body.dag_runs).toHaveLength(2);
    expectProblem(await api.call("POST", "/dags/~/dagRuns/list", { body: { dag_ids: "api_etl" } }), 400, /dag_ids/);
    expectProblem(await api.call("POST", "/dags/~/dagRuns/list", { body: { colour: "red" } }), 400, /unknown field "colour"/);
    // A role sees only the runs of the DAGs it may read.
    expect((await api.call("POST", "/dags/~/dagRuns/list", { body: {}, as: "viewer" })).body.total_entries).toBe(4);
  });

  it("sets a run's state: success marks its unfinished TIs success, failed fails running TIs and skips the rest", async () => {
    await db.query("UPDATE task_instance SET state = 'running' WHERE run_id = 'r2' AND task_id = 'extract'");
    const failed = await api.call("PATCH", "/dags/api_etl/dagRuns/r2", { body: { state: "failed" } });
    expect(failed.body).toMatchObject({ state: "failed", end_date: expect.any(String) });
    expect(await tiStates(db, "r2")).toEqual({ extract: "failed", transform: "skipped", load: "skipped" });
    const success = await api.call("PATCH", "/dags/api_etl/dagRuns/r3", { body: { state: "success" } });
    expect(success.body.state).toBe("success");
    expect(await tiStates(db, "r3")).toEqual({ extract: "success", transform: "success", load: "success" });
    const queued = await api.call("PATCH", "/dags/api_etl/dagRuns/r3", { body: { state: "queued" } });
    expect(queued.body).toMatchObject({ state: "queued", end_date: null });
    expectProblem(await api.call("PATCH", "/dags/api_etl/dagRuns/r3", { body: { state: "running" } }), 400, /state/);
    expect(api.changes).toContain("api_etl\u0000r2");
  });

  it("clears a run (dry run lists its TIs, then clears them and requeues the run), sets its note and deletes it", async () => {
    const dry = await api.call("POST", "/dags/api_etl/dagRuns/r2/clear", { body: { dry_run: true } });
    expect(dry.body.task_instances.map((t: { task_id: string }) => t.task_id).sort()).toEqual(["extract", "load", "transform"]);
    expect(await tiStates(db, "r2")).toEqual({ extract: "failed", transform: "skipped", load: "skipped" });
    const cleared = await api.call("POST", "/dags/api_etl/dagRuns/r2/clear", { body: { dry_run: false } });
    expect(cleared.body).toMatchObject({ dag_run_id: "r2", state: "queued" });
    expect(await tiStates(db, "r2")).toEqual({ extract: null, transform: null, load: null });
    const noted = await api.call("PATCH", "/dags/api_etl/dagRuns/r2/setNote", { body: { note: "looked at it" } });
    expect(noted.body.note).toBe("looked at it");
    expect((await api.call("DELETE", "/dags/api_etl/dagRuns/r2")).status).toBe(204);
    expectProblem(await api.call("GET", "/dags/api_etl/dagRuns/r2"), 404);
    expectProblem(await api.call("DELETE", "/dags/api_etl/dagRuns/r2"), 404);
  });
});
