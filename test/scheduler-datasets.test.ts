import { join } from "node:path";
import { expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
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
