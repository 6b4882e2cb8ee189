import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

// The phase14 examples as they are meant to run: the producer's success starts the consumers, with no trigger of theirs.
describeEachBackend("phase14 dataset examples under the scheduler", (backend) => {
  const env = harnessOverFolder(backend, join(REPO_ROOT, "dags", "phase14"));

  it("the producer's daily run publishing the orders runs phase14_02 and the any-of pattern, and both-of after the customers too", async () => {
    // The producer is @daily without catchup: the scheduler makes its latest run at once.
    const run = await waitFor("the producer's scheduled run", async () => {
      const { rows } = await env.db.query<{ run_id: string; run_type: string; state: string }>("SELECT run_id, run_type, state FROM dag_run WHERE dag_id = 'phase14_01_dataset_producer'");
      return rows.length === 1 && rows[0].state === "success" ? rows[0] : undefined;
    });
    expect(run.run_type).toBe("scheduled");
    const consumerRun = await waitFor("phase14_02 to run", async () => {
      const { rows } = await env.db.query<{ run_id: string; state: string }>("SELECT run_id, state FROM dag_run WHERE dag_id = 'phase14_02_dataset_consumer'");
      return rows[0]?.state === "success" ? rows[0] : undefined;
    });
    expect(consumerRun.run_id).toMatch(/^dataset_triggered__/);
    const { rows } = await env.db.query<{ value: { runType: string; sources: string[] } }>(
      "SELECT value FROM xcom WHERE dag_id = 'phase14_02_dataset_consumer' AND task_id = 'whatTriggeredMe' AND key = 'return_value'");
    expect(rows[0].value).toEqual({ runType: "dataset_triggered", sources: [`phase14_01_dataset_producer.publishOrders (${run.run_id})`] });
    // publishOrders and refreshCustomers both succeeded: orders & customers holds, and so does every other pattern
    // but the time-or-rates one (no rates update). The any-of one may run once per update.
    const triggered = await waitFor("the patterns to run", async () => {
      const { rows: runs } = await env.db.query<{ dag_id: string; state: string }>(
        "SELECT dag_id, state FROM dag_run WHERE dag_id LIKE 'phase14_03%' AND run_type = 'dataset_triggered'");
      const dags = [...new Set(runs.map((r) => r.dag_id))].sort();
      return dags.length === 3 && runs.every((r) => r.state === "success") ? dags : undefined;
    });
    expect(triggered).toEqual(["phase14_03_dataset_patterns", "phase14_03_dataset_patterns_any", "phase14_03_dataset_patterns_nested"]);
  });
});
