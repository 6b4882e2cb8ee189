import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { sqlLineage } from "../lineage/extract/sql.ts";
import { dagRunUuid } from "../lineage/run-id.ts";
import type { RunEvent } from "../lineage/types.ts";
import { validateRunEvent } from "../lineage/validate.ts";
import { BACKENDS, POSTGRES_REACHABLE } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

// Set before the harness starts: the scheduler (this process) and its runners (children) read them once.
const EVENTS_DIR = mkdtempSync(join(tmpdir(), "updraft-ol-events-"));
process.env.UPDRAFT_OPENLINEAGE_TRANSPORT = JSON.stringify({ type: "file", log_file_path: join(EVENTS_DIR, "events.jsonl") });
process.env.UPDRAFT_OPENLINEAGE_NAMESPACE = "test-ns";
process.env.UPDRAFT_CONN_WAREHOUSE = "postgres://etl:secret@warehouse.internal:5432/analytics";
process.env.UPDRAFT_TASK_HEARTBEAT_MS = "200";

const fixtures = join(import.meta.dirname, "fixtures", "lineage", "dags");

async function fileEvents(): Promise<RunEvent[]> {
  const text = await readFile(join(EVENTS_DIR, "events.jsonl"), "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as RunEvent);
}

/** Waits until the events of `job` in DAG run `dagRunId` include all of `types` (delivery is in the background). */
async function eventsOf(job: string, types: string[], dagRunId: string): Promise<RunEvent[]> {
  const inRun = (e: RunEvent) => e.run.runId === dagRunId || (e.run.facets?.parent as { run?: { runId?: string } } | undefined)?.run?.runId === dagRunId;
  return waitFor(`${types.join("+")} events of ${job}`, async () => {
    const events = (await fileEvents()).filter((e) => e.job.name === job && inRun(e));
    return types.every((t) => events.some((e) => e.eventType === t)) ? events : undefined;
  });
}

// One back end, PostgreSQL where there is one (a PGlite's template costs seconds): what is under test is the runners'
// and the scheduler's emission; the store's side runs on both in lineage-service.test.ts.
const backend = BACKENDS.find((b) => b.name === "postgres" && POSTGRES_REACHABLE) ?? BACKENDS[0];

describe(`OpenLineage events of tries run by the scheduler [${backend.name}]`, () => {
  if (backend.name === "pglite") beforeAll(() => backend.open().then((db) => db.close()), 120_000);
  const env = harnessOverFolder(backend, fixtures);
  const ids = (dagId: string, date: string) => ({ date: new Date(date), dagRunId: dagRunUuid("test-ns", dagId, new Date(date)) });

  it("emits START and COMPLETE per try, valid against the official schemas, with the DAG run as parent", async () => {
    const { date, dagRunId } = ids("lineage_etl", "2024-03-01T00:00:00Z");
    const run = await triggerDagRun(env.db, "lineage_etl", { logicalDate: date });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("lineage_etl", run.run_id)).toBe("success");
    const dagEvents = await eventsOf("lineage_etl", ["START", "COMPLETE"], dagRunId);
    const extract = await eventsOf("lineage_etl.extract", ["START", "COMPLETE"], dagRunId);
    const sql = await eventsOf("lineage_etl.build_daily_revenue", ["START", "COMPLETE"], dagRunId);
    const model = await eventsOf("lineage_etl.train_churn_model", ["COMPLETE"], dagRunId);

    for (const event of [...dagEvents, ...extract, ...sql, ...model]) expect(validateRunEvent(event), JSON.stringify(event)).toEqual([]);
    expect(dagEvents.every((e) => e.run.runId === dagRunId && (e.job.facets?.jobType as unknown as { jobType: string }).jobType === "DAG")).toBe(true);

    const [start, complete] = ["START", "COMPLETE"].map((t) => extract.find((e) => e.eventType === t)!);
    expect(start.run.runId).toBe(complete.run.runId);
    expect(start.job.namespace).toBe("test-ns");
    expect(start.run.facets?.parent).toMatchObject({ run: { runId: dagRunId }, job: { namespace: "test-ns", name: "lineage_etl" } });
    expect(start.run.facets?.nominalTime).toMatchObject({ nominalStartTime: "2024-03-01T00:00:00.000Z" });
    expect(start.run.facets?.processing_engine).toMatchObject({ name: "Updraft" });
    expect(start.job.facets?.jobType).toMatchObject({ processingType: "BATCH", integration: "UPDRAFT", jobType: "TASK" });
    expect(start.job.facets?.sourceCodeLocation).toMatchObject({ type: "file", url: `file://${join(fixtures, "lineage_dags.ts")}` });
    expect(start.job.facets?.sourceCode).toMatchObject({ language: "typescript" });
    expect(start.inputs).toEqual([{ namespace: "s3://raw", name: "orders.json" }]);
    expect(start.outputs).toEqual([{ namespace: "postgres://warehouse.internal:5432", name: "analytics.public.orders" }]);

    // The SQL operator's statement, parsed: tables read and written, named after its connection.
    const sqlComplete = sql.find((e) => e.eventType === "COMPLETE")!;
    expect(sqlComplete.inputs.map((d) => d.name).sort()).toEqual(["analytics.public.customers", "analytics.public.orders"]);
    expect(sqlComplete.outputs).toEqual([{ namespace: "postgres://warehouse.internal:5432", name: "analytics.public.daily_revenue" }]);
    expect(sqlComplete.job.facets?.sql).toMatchObject({ query: expect.stringContaining("INSERT INTO daily_revenue") });
    // The operator's own getOpenLineageFacetsOnComplete.
    expect(model.find((e) => e.eventType === "COMPLETE")!.outputs[0]).toMatchObject({ namespace: "mlflow://models", name: "churn", facets: { datasetType: { datasetType: "MODEL" } } });

    // Updraft's own lineage service got each try's outcome through the execution API, and the DAG run's events from the scheduler.
    const stored = await waitFor("stored events", async () => {
      const { rows } = await env.db.query<{ job_name: string; event_type: string }>("SELECT job_name, event_type FROM lineage_event WHERE job_name LIKE 'lineage_etl%'");
      return rows.length >= 5 ? rows : undefined;
    });
    expect(stored.map((r) => `${r.job_name} ${r.event_type}`).sort()).toEqual([
      "lineage_etl COMPLETE", "lineage_etl START", "lineage_etl.build_daily_revenue COMPLETE", "lineage_etl.extract COMPLETE", "lineage_etl.train_churn_model COMPLETE",
    ]);
    const edges = await env.db.query<{ job_name: string; dataset_name: string; direction: string }>("SELECT job_name, dataset_name, direction FROM lineage_edge WHERE job_name LIKE 'lineage_etl.%' ORDER BY 1, 2");
    expect(edges.rows.map((e) => `${e.job_name} ${e.direction} ${e.dataset_name}`)).toContain("lineage_etl.build_daily_revenue output analytics.public.daily_revenue");
  });

  it("emits FAIL with the error message (secrets masked) when a try fails", async () => {
    const { date, dagRunId } = ids("lineage_failing", "2024-03-02T00:00:00Z");
    const run = await triggerDagRun(env.db, "lineage_failing", { logicalDate: date });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("lineage_failing", run.run_id)).toBe("failed");
    const events = await eventsOf("lineage_failing.broken", ["START", "FAIL"], dagRunId);
    const fail = events.find((e) => e.eventType === "FAIL")!;
    expect(validateRunEvent(fail)).toEqual([]);
    // The connection's password the task put in its error is masked, as in its log.
    expect(fail.run.facets?.errorMessage).toMatchObject({ message: "boom: the orders file has no header (as etl:***)", programmingLanguage: "typescript" });
    const dagFail = (await eventsOf("lineage_failing", ["FAIL"], dagRunId)).find((e) => e.eventType === "FAIL")!;
    expect(dagFail.run.facets?.errorMessage).toMatchObject({ message: expect.stringContaining("task_failure") });
  });

  it("emits ABORT from the runner when the try is stopped from outside", async () => {
    const { date, dagRunId } = ids("lineage_stopped", "2024-03-03T00:00:00Z");
    const run = await triggerDagRun(env.db, "lineage_stopped", { logicalDate: date });
    env.harness.scheduler.runsCreated();
    await eventsOf("lineage_stopped.wait_forever", ["START"], dagRunId);
    await env.db.query("UPDATE task_instance SET state = 'failed', end_date = now() WHERE dag_id = 'lineage_stopped' AND run_id = $1", [run.run_id]);
    const events = await eventsOf("lineage_stopped.wait_forever", ["ABORT"], dagRunId);
    const abort = events.find((e) => e.eventType === "ABORT")!;
    expect(validateRunEvent(abort)).toEqual([]);
    expect(abort.run.runId).toBe(events.find((e) => e.eventType === "START")!.run.runId);
  });
});

describe("SQL lineage", () => {
  it("names tables read and written by the connection, and never throws on SQL it cannot parse", async () => {
    const connection = { connId: "w", connType: "postgres", host: "db", port: 6432, schema: "shop" };
    expect(await sqlLineage(["CREATE TABLE s.summary AS SELECT * FROM s.orders", "DELETE FROM staging"], connection)).toMatchObject({
      inputs: [{ namespace: "postgres://db:6432", name: "shop.s.orders" }],
      outputs: [{ namespace: "postgres://db:6432", name: "shop.s.summary" }, { namespace: "postgres://db:6432", name: "shop.public.staging" }],
    });
    const bad = await sqlLineage("SELEC nonsense", connection);
    expect(bad.inputs).toEqual([]);
    expect(bad.error).toMatch(/Expected/);
  });
});
