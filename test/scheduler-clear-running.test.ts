import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clearTaskInstances } from "../core/runs/clear-task-instances.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixtures = join(import.meta.dirname, "fixtures", "scheduler-clear");

// Airflow: clearing a running TI sets it `restarting`; its worker notices and stops, and the TI is retried — always,
// whatever its retries — as the next try, after its retry delay.
describeEachBackend("clearing a task instance while it runs", (backend) => {
  beforeAll(() => {
    process.env.UPDRAFT_TASK_HEARTBEAT_MS = "200"; // runners notice the clear within 0.2 s
  });
  afterAll(() => {
    delete process.env.UPDRAFT_TASK_HEARTBEAT_MS;
  });
  const env = harnessOverFolder(backend, fixtures);

  it("stops its runner, retries it as the next try even with no retries left, and the run succeeds", async () => {
    const run = await triggerDagRun(env.db, "clear_running");
    env.harness.scheduler.runsCreated();
    const stateOf = async () =>
      (await env.db.query<{ state: string; try_number: number }>("SELECT state, try_number FROM task_instance WHERE dag_id = 'clear_running' AND run_id = $1 AND task_id = 'slow'", [run.run_id])).rows[0];
    await waitFor("slow to be running", async () => ((await stateOf())?.state === "running" ? true : undefined), 20_000);

    const cleared = await clearTaskInstances(env.db, "clear_running", {
      taskIds: ["slow"], includeUpstream: false, includeDownstream: false, dagRunId: run.run_id, startDate: null, endDate: null,
      onlyFailed: false, onlyRunning: false, resetDagRuns: false, dryRun: false,
    }, "tester");
    expect(cleared.taskInstances.map((ti) => ti.task_id)).toEqual(["slow"]);
    expect((await stateOf()).state).toBe("restarting");
    env.harness.scheduler.wake(`clear_running\u0000${run.run_id}`);

    expect(await env.harness.waitForRun("clear_running", run.run_id, 20_000)).toBe("success");
    expect(await stateOf()).toEqual({ state: "success", try_number: 2 });
    const { rows: tries } = await env.db.query<{ try_number: number; state: string }>(
      "SELECT try_number, state FROM task_instance_history WHERE dag_id = 'clear_running' AND run_id = $1 AND task_id = 'slow' ORDER BY try_number",
      [run.run_id],
    );
    expect(tries).toEqual([{ try_number: 1, state: "up_for_retry" }, { try_number: 2, state: "success" }]);
    const { rows: xcom } = await env.db.query<{ value: number }>(
      "SELECT value FROM xcom WHERE dag_id = 'clear_running' AND run_id = $1 AND task_id = 'after' AND key = 'return_value'",
      [run.run_id],
    );
    expect(xcom[0].value).toBe(2);
  });
});
