import { join } from "node:path";
import { expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { DagProcessor } from "../scheduler/dag-processor/dag-processor.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { createApp, listen } from "../webserver/app.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { ExecutionApi } from "../webserver/execution-api/execution-api.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixtures = join(import.meta.dirname, "fixtures", "datasets");

// Data-aware scheduling as Airflow 2.10 does it (AIRFLOW_SEMANTICS.md §7), through the scheduler and real runners.
describeEachBackend("dataset-triggered runs", (backend) => {
  const env = harnessOverFolder(backend, fixtures);

  const runsOf = async (dagId: string) =>
    (await env.db.query<{ run_id: string; run_type: string; state: string; data_interval_start: Date; data_interval_end: Date }>(
      "SELECT run_id, run_type, state, data_interval_start, data_interval_end FROM dag_run WHERE dag_id = $1 ORDER BY logical_date", [dagId])).rows;
  const produce = async (dagId: string, day: number) => {
    const run = await triggerDagRun(env.db, dagId, { logicalDate: new Date(Date.UTC(2024, 2, day)) });
    env.harness.scheduler.runsCreated();
    return { run, state: await env.harness.waitForRun(dagId, run.run_id) };
  };

  it("a consumer of any of its datasets runs once one is updated; one of all of them waits for every one; a paused one never queues", async () => {
    await env.db.query("UPDATE dag SET is_paused = true WHERE dag_id = 'ds_consumer_paused'");
    const { state } = await produce("ds_producer_a", 1);
    expect(state).toBe("success");
    const { rows: events } = await env.db.query<{ uri: string; source_dag_id: string; source_task_id: string }>(
      "SELECT ds.uri, e.source_dag_id, e.source_task_id FROM dataset_event e JOIN dataset ds ON ds.id = e.dataset_id");
    expect(events).toEqual([{ uri: "s3://lake/orders/raw", source_dag_id: "ds_producer_a", source_task_id: "write_orders" }]);

    const anyRuns = await waitFor("ds_consumer_any to run", async () => {
      const runs = await runsOf("ds_consumer_any");
      return runs.length && runs.every((r) => r.state === "success") ? runs : undefined;
    });
    expect(anyRuns).toHaveLength(1);
    expect(anyRuns[0].run_type).toBe("dataset_triggered");
    expect(anyRuns[0].run_id).toMatch(/^dataset_triggered__\d{4}-\d\d-\d\dT/);
    // The data interval is the producing run's.
    expect([anyRuns[0].data_interval_start.toISOString(), anyRuns[0].data_interval_end.toISOString()]).toEqual(["2024-03-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]);
    expect(await runsOf("ds_consumer_all")).toEqual([]);
    // The all-of consumer keeps its queued update until the other dataset comes.
    const { rows: queued } = await env.db.query<{ target_dag_id: string }>("SELECT target_dag_id FROM dataset_dag_run_queue ORDER BY target_dag_id");
    expect(queued.map((q) => q.target_dag_id)).toEqual(["ds_consumer_all"]);

    expect((await produce("ds_producer_b", 2)).state).toBe("success");
    const allRuns = await waitFor("ds_consumer_all to run", async () => {
      const runs = await runsOf("ds_consumer_all");
      return runs.length && runs.every((r) => r.state === "success") ? runs : undefined;
    });
    expect(allRuns.map((r) => r.run_type)).toEqual(["dataset_triggered"]);
    // The run's tasks see the events it consumed (Airflow's triggering_dataset_events).
    const { rows: seen } = await env.db.query<{ value: unknown }>(
      "SELECT value FROM xcom WHERE dag_id = 'ds_consumer_all' AND run_id = $1 AND key = 'return_value'", [allRuns[0].run_id]);
    expect(seen[0].value).toEqual({ "s3://lake/orders/raw": ["ds_producer_a.write_orders"], "s3://lake/customers": ["ds_producer_b.write_customers"] });
    // Both producers' runs are consumed: the interval spans them.
    expect([allRuns[0].data_interval_start.toISOString(), allRuns[0].data_interval_end.toISOString()]).toEqual(["2024-03-01T00:00:00.000Z", "2024-03-02T00:00:00.000Z"]);
    await waitFor("ds_consumer_any's second run", async () => ((await runsOf("ds_consumer_any")).length === 2 ? true : undefined));

    // Paused when the events came: nothing was queued for it, so unpausing does not run it.
    await env.db.query("UPDATE dag SET is_paused = false WHERE dag_id = 'ds_consumer_paused'");
    env.harness.scheduler.runsCreated();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runsOf("ds_consumer_paused")).toEqual([]);
    const { rows: left } = await env.db.query("SELECT * FROM dataset_dag_run_queue");
    expect(left).toEqual([]);
  });

  it("a producer task that fails records no event and triggers nothing", async () => {
    const before = (await env.db.query<{ n: number }>("SELECT count(*)::int AS n FROM dataset_event")).rows[0].n;
    const anyBefore = (await runsOf("ds_consumer_any")).length;
    expect((await produce("ds_producer_fails", 3)).state).toBe("failed");
    expect((await env.db.query<{ n: number }>("SELECT count(*)::int AS n FROM dataset_event")).rows[0].n).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runsOf("ds_consumer_any")).toHaveLength(anyBefore);
  });
});

// Datasets are known once a DAG names them (the DAG processor registers them), and an event created through the REST
// API (Airflow 2.9+'s POST /datasets/events) queues the DAGs scheduled on the dataset, as a producer task's would.
describeEachBackend("dataset events from the REST API", (backend) => {
  const env = harnessOverFolder(backend, fixtures);

  it("the DAG processor registers the datasets DAGs name; an API event runs the consumers", async () => {
    const processor = new DagProcessor(env.db, { dagsFolder: fixtures });
    try {
      await processor.processOnce();
    } finally {
      await processor.close();
    }
    await env.db.query("UPDATE dag SET is_paused = false");
    const { rows: known } = await env.db.query<{ uri: string }>("SELECT uri FROM dataset ORDER BY uri");
    expect(known.map((d) => d.uri)).toEqual(["s3://lake/customers", "s3://lake/orders/raw"]);

    await env.db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('api_user', 'User', $1)", [await hashPassword("pw")]);
    const server = await listen(createApp({
      executionApi: new ExecutionApi(env.db, Buffer.from("x"), { onTryFinished: () => {} }),
      routers: [{ path: "/api/v1", router: restApiRouter(env.db, { onChange: () => env.harness.scheduler.runsCreated() }) }],
    }), 0);
    try {
      const response = await fetch(`${server.url}/api/v1/datasets/events`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from("api_user:pw").toString("base64")}`, "content-type": "application/json" },
        body: JSON.stringify({ dataset_uri: "s3://lake/customers", extra: { from: "api" } }),
      });
      expect(response.status).toBe(200);
      const run = await waitFor("ds_consumer_any to run from the API event", async () => {
        const { rows } = await env.db.query<{ run_type: string; state: string }>("SELECT run_type, state FROM dag_run WHERE dag_id = 'ds_consumer_any'");
        return rows[0]?.state === "success" ? rows[0] : undefined;
      });
      expect(run.run_type).toBe("dataset_triggered");
      // All of orders and customers: only customers was updated.
      const { rows: all } = await env.db.query("SELECT 1 FROM dag_run WHERE dag_id = 'ds_consumer_all'");
      expect(all).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
