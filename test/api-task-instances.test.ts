import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { markTaskInstances } from "../core/runs/mark-task-instances.ts";
import type { Database } from "../core/store/database.ts";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import { createUsers, expectProblem, startApi, storeApiDags, type ApiServer } from "./helpers/api.ts";
import { describeEachBackend } from "./helpers/databases.ts";

const RUNS = "/dags/api_etl/dagRuns";
const states = async (db: Database) =>
  (await db.query<{ run_id: string; task_id: string; map_index: number; state: string | null }>(
    "SELECT run_id, task_id, map_index, state FROM task_instance WHERE dag_id = 'api_etl' ORDER BY run_id, task_id, map_index",
  )).rows.map((r) => `${r.run_id}/${r.task_id}${r.map_index >= 0 ? `[${r.map_index}]` : ""}=${r.state}`);

describeEachBackend("REST API: task instances, XCom and logs", (backend) => {
  let db: Database;
  let api: ApiServer;
  let logs: string;

  beforeAll(async () => {
    db = await backend.open();
    await storeApiDags(db);
    await createUsers(db);
    logs = await mkdtemp(join(tmpdir(), "updraft-api-logs-"));
    const logPathFor = (key: TiKey, tryNumber: number) => join(logs, key.dagId, key.runId, `${key.taskId}.${key.mapIndex}.${tryNumber}.log`);
    api = await startApi(db, { logPathFor });
    for (const [runId, date] of [["r1", "2024-01-01"], ["r2", "2024-01-02"], ["r3", "2024-01-03"]]) {
      expect((await api.call("POST", `/dags/api_etl/dagRuns`, { body: { dag_run_id: runId, logical_date: `${date}T00:00:00Z` } })).status).toBe(200);
    }
    // "transform" of r1 mapped over three values, as the scheduler would have expanded it.
    await db.query("DELETE FROM task_instance WHERE run_id = 'r1' AND task_id = 'transform'");
    await db.query("INSERT INTO task_instance (dag_id, run_id, task_id, map_index, state, try_number) SELECT 'api_etl', 'r1', 'transform', i, 'success', 1 FROM generate_series(0, 2) i");
    await db.query("UPDATE task_instance SET state = 'success', try_number = 1 WHERE run_id = 'r1' AND task_id = 'extract'");
    await db.query(`INSERT INTO rendered_task_instance_fields (dag_id, run_id, task_id, map_index, rendered_fields) VALUES ('api_etl', 'r1', 'extract', -1, '{"bash_command": "echo 2024-01-01"}')`);
    await db.query(`INSERT INTO xcom (dag_id, run_id, task_id, map_index, key, value) VALUES ('api_etl', 'r1', 'extract', -1, 'return_value', '{"rows": 3}'), ('api_etl', 'r1', 'extract', -1, 'other', '"text"')`);
    await mkdir(join(logs, "api_etl", "r1"), { recursive: true });
    await writeFile(join(logs, "api_etl", "r1", "extract.-1.1.log"), "line one\nline two\n");
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
    await rm(logs, { recursive: true, force: true });
  });

  it("lists a run's TIs, every run's with ~, and filters by state; a TI shows its rendered fields", async () => {
    const list = await api.call("GET", `${RUNS}/r1/taskInstances`);
    expect(list.body.total_entries).toBe(5);
    const all = await api.call("GET", "/dags/~/dagRuns/~/taskInstances?state=success&limit=2");
    expect(all.body.total_entries).toBe(4);
    expect(all.body.task_instances).toHaveLength(2);
    const none = await api.call("GET", "/dags/api_etl/dagRuns/~/taskInstances?state=none");
    expect(none.body.total_entries).toBe(7);
    const ti = await api.call("GET", `${RUNS}/r1/taskInstances/extract`);
    expect(ti.body).toMatchObject({ task_id: "extract", dag_run_id: "r1", state: "success", rendered_fields: { bash_command: "echo 2024-01-01" }, execution_date: "2024-01-01T00:00:00.000Z" });
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/nope`), 404, /nope/);
    expect((await api.call("GET", `${RUNS}/r1/taskInstances/extract/links`)).body).toEqual({ extra_links: [] });
    const deps = await api.call("GET", `${RUNS}/r3/taskInstances/load/dependencies`);
    expect(deps.body.dependencies.map((d: { name: string }) => d.name)).toEqual(["Dagrun Running", "Trigger Rule"]);
    expect(deps.body.dependencies[1].reason).toMatch(/'all_success' is not met by its 1 upstream/);
    const done = await api.call("GET", `${RUNS}/r1/taskInstances/extract/dependencies`);
    expect(done.body.dependencies[0]).toEqual({ name: "Task Instance State", reason: "Task is in the 'success' state." });
    expect((await api.call("GET", `${RUNS}/r1/upstreamDatasetEvents`)).body).toEqual({ dataset_events: [], total_entries: 0 });
  });

  it("lists mapped TIs (listMapped) and gets one by map index", async () => {
    const mapped = await api.call("GET", `${RUNS}/r1/taskInstances/transform/listMapped?order_by=-map_index`);
    expect(mapped.body.task_instances.map((t: { map_index: number }) => t.map_index)).toEqual([2, 1, 0]);
    expect((await api.call("GET", `${RUNS}/r1/taskInstances/transform/1`)).body.map_index).toBe(1);
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/transform/7`), 404, /map index 7/);
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/transform/x`), 404, /No such endpoint/);
  });

  it("batch-lists TIs (POST /dags/~/dagRuns/~/taskInstances/list)", async () => {
    const batch = await api.call("POST", "/dags/~/dagRuns/~/taskInstances/list", { body: { dag_ids: ["api_etl"], task_ids: ["load"] } });
    expect(batch.body.total_entries, batch.text).toBe(3);
  });

  it("marks TIs with updateTaskInstancesState: dry run changes nothing; downstream and future reach relatives and later runs", async () => {
    const before = await states(db);
    const dry = await api.call("POST", "/dags/api_etl/updateTaskInstancesState", { body: { dag_run_id: "r2", task_id: "transform", new_state: "failed", include_downstream: true, include_future: true } });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.task_instances.map((t: { dag_run_id: string; task_id: string }) => `${t.dag_run_id}/${t.task_id}`).sort()).toEqual(["r2/load", "r2/transform", "r3/load", "r3/transform"]);
    expect(await states(db)).toEqual(before);
    const done = await api.call("POST", "/dags/api_etl/updateTaskInstancesState", { body: { dag_run_id: "r2", task_id: "transform", new_state: "failed", include_downstream: true, include_future: true, dry_run: false } });
    expect(done.body.task_instances).toHaveLength(4);
    expect(await states(db)).toEqual(expect.arrayContaining(["r2/transform=failed", "r2/load=failed", "r3/transform=failed", "r3/load=failed", "r2/extract=null", "r1/load=null"]));
    expect(api.changes).toEqual(expect.arrayContaining(["api_etl\u0000r2", "api_etl\u0000r3"]));
    expectProblem(await api.call("POST", "/dags/api_etl/updateTaskInstancesState", { body: { dag_run_id: "r2", task_id: "transform", new_state: "running" } }), 400, /new_state/);
    expectProblem(await api.call("POST", "/dags/api_etl/updateTaskInstancesState", { body: { dag_run_id: "r2", task_id: "nope", new_state: "success", dry_run: false } }), 404, /nope/);
  });

  it("markTaskInstances (what the UI calls) takes upstream and past, and only the map indexes named", async () => {
    const changed = await markTaskInstances(db, {
      dagId: "api_etl", runId: "r1", taskIds: ["transform"], mapIndexes: [1], state: "failed", upstream: true, downstream: false, future: false, past: false, dryRun: false, owner: "tester",
    });
    expect(changed.map((t) => `${t.run_id}/${t.task_id}[${t.map_index}]=${t.state}`).sort()).toEqual(["r1/extract[-1]=failed", "r1/transform[1]=failed"]);
    const past = await markTaskInstances(db, {
      dagId: "api_etl", runId: "r2", taskIds: ["extract"], state: "skipped", upstream: false, downstream: false, future: false, past: true, dryRun: true, owner: "tester",
    });
    expect(past.map((t) => t.run_id).sort()).toEqual(["r1", "r2"]);
  });

  it("sets one TI's state (PATCH, dry run by default) and its note", async () => {
    const dry = await api.call("PATCH", `${RUNS}/r3/taskInstances/extract`, { body: { new_state: "success" } });
    expect(dry.body).toMatchObject({ task_id: "extract", dag_run_id: "r3" });
    expect(await states(db)).toContain("r3/extract=null");
    await api.call("PATCH", `${RUNS}/r3/taskInstances/extract`, { body: { new_state: "success", dry_run: false } });
    expect(await states(db)).toContain("r3/extract=success");
    const mapped = await api.call("PATCH", `${RUNS}/r1/taskInstances/transform/2`, { body: { new_state: "skipped", dry_run: false } });
    expect(mapped.status).toBe(200);
    expect(await states(db)).toContain("r1/transform[2]=skipped");
    const noted = await api.call("PATCH", `${RUNS}/r3/taskInstances/extract/setNote`, { body: { note: "checked" } });
    expect(noted.body.note, noted.text).toBe("checked");
    expect((await api.call("GET", `${RUNS}/r3/taskInstances/extract`)).body.note).toBe("checked");
  });

  it("lists a TI's tries from its history, and gets one try", async () => {
    await db.query("INSERT INTO task_instance_history (dag_id, run_id, task_id, map_index, try_number, state, hostname) VALUES ('api_etl', 'r1', 'load', -1, 1, 'failed', 'h1')");
    await db.query("UPDATE task_instance SET try_number = 2, state = 'success' WHERE run_id = 'r1' AND task_id = 'load'");
    const tries = await api.call("GET", `${RUNS}/r1/taskInstances/load/tries`);
    expect(tries.body.task_instances.map((t: { try_number: number; state: string }) => `${t.try_number}:${t.state}`)).toEqual(["1:failed", "2:success"]);
    expect((await api.call("GET", `${RUNS}/r1/taskInstances/load/tries/1`)).body).toMatchObject({ try_number: 1, state: "failed", hostname: "h1" });
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/load/tries/3`), 404, /no try 3/);
    expect((await api.call("GET", `${RUNS}/r1/taskInstances/transform/0/tries`)).body.total_entries).toBe(1);
  });

  it("lists and gets XCom entries (~ for any task), values as JSON text unless stringify=false", async () => {
    const list = await api.call("GET", `${RUNS}/r1/taskInstances/extract/xcomEntries`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.xcom_entries.map((x: { key: string }) => x.key)).toEqual(["other", "return_value"]);
    expect((await api.call("GET", "/dags/~/dagRuns/~/taskInstances/~/xcomEntries?xcom_key=return_value")).body.total_entries).toBe(1);
    expect((await api.call("GET", `${RUNS}/r1/taskInstances/extract/xcomEntries/return_value`)).body.value).toBe('{"rows":3}');
    expect((await api.call("GET", `${RUNS}/r1/taskInstances/extract/xcomEntries/return_value?stringify=false`)).body.value).toEqual({ rows: 3 });
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/extract/xcomEntries/missing`), 404, /missing/);
  });

  it("reads a try's log with a continuation token, as text or JSON; a bad token or try is a 4xx", async () => {
    const first = await api.call("GET", `${RUNS}/r1/taskInstances/extract/logs/1`);
    expect(first.body.content).toBe("line one\nline two\n");
    const next = await api.call("GET", `${RUNS}/r1/taskInstances/extract/logs/1?token=${first.body.continuation_token}`);
    expect(next.body.content).toBe("");
    const text = await api.call("GET", `${RUNS}/r1/taskInstances/extract/logs/1`, { headers: { accept: "text/plain" } });
    expect(text.text).toBe("line one\nline two\n");
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/extract/logs/1?token=garbage`), 400, /token/);
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/extract/logs/2`), 404, /no try 2/);
    expectProblem(await api.call("GET", `${RUNS}/r1/taskInstances/..%2F..%2Fetc/logs/1`), 404);
  });
});
