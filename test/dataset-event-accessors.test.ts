import { join } from "node:path";
import { expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { updraft } from "./helpers/cli.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";

const fixtures = join(import.meta.dirname, "fixtures", "dataset-accessors");

// Airflow 2.10's outlet_events and inlet_events accessors, through the scheduler and real runners.
describeEachBackend("outlet_events and inlet_events", (backend) => {
  const env = harnessOverFolder(backend, fixtures);
  const run = async (dagId: string, day: number, conf = {}) => {
    const created = await triggerDagRun(env.db, dagId, { logicalDate: new Date(Date.UTC(2024, 2, day)), conf });
    env.harness.scheduler.runsCreated();
    return { runId: created.run_id, state: await env.harness.waitForRun(dagId, created.run_id) };
  };
  const xcom = async (dagId: string, runId: string, taskId: string) =>
    (await env.db.query<{ value: unknown }>("SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND key = 'return_value'", [dagId, runId, taskId])).rows[0]?.value;

  it("records the extra a task set on its outlet's event, and lets a task with the dataset as inlet read every event", async () => {
    expect((await run("acc_producer", 1, { rows: 10 })).state).toBe("success");
    expect((await run("acc_producer", 2, { rows: 25 })).state).toBe("success");
    const { rows } = await env.db.query<{ extra: unknown }>(
      "SELECT e.extra FROM dataset_event e JOIN dataset d ON d.id = e.dataset_id WHERE d.uri = 's3://accessors/report' ORDER BY e.id");
    // The event's extra is what the task set, not the Dataset's own extra (which describes the dataset).
    expect(rows.map((r) => r.extra)).toEqual([{ rows: 10 }, { rows: 25 }]);

    const read = await run("acc_reader", 3);
    expect(read.state).toBe("failed");
    expect(await xcom("acc_reader", read.runId, "readHistory")).toEqual([
      { rows: 10, source: "acc_producer.publish" }, { rows: 25, source: "acc_producer.publish" },
    ]);
    // A dataset that is not one of the task's inlets is refused, with the reason in the log.
    const { rows: states } = await env.db.query<{ state: string }>("SELECT state FROM task_instance WHERE dag_id = 'acc_reader' AND run_id = $1 AND task_id = 'readOther'", [read.runId]);
    expect(states[0].state).toBe("failed");
  });
});

it("`dags test` keeps the run's own events for inlet_events", async () => {
  const result = await updraft(["dags", "test", "acc_round_trip", "2024-01-03", "-o", "json", "--conf", '{"rows": 5}'], { env: { UPDRAFT_DAGS_FOLDER: fixtures } });
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout).state).toBe("success");
});
