import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { clearTaskInstances } from "../core/runs/clear-task-instances.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { Triggerer } from "../triggerer/triggerer.ts";
import { BACKENDS } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixtures = join(import.meta.dirname, "fixtures", "cross-dag");
const until = (what: string, condition: () => Promise<boolean>, timeoutMs = 20_000) => waitFor(what, async () => ((await condition()) ? true : undefined), timeoutMs);

// One harness for every cross-DAG behaviour (ExternalTaskSensor, TriggerDagRunOperator, ExternalTaskMarker): each
// needs several DAGs and runner processes, and starting them is most of the cost.
describe("cross-DAG: ExternalTaskSensor, TriggerDagRunOperator and ExternalTaskMarker in a real scheduler (PGlite)", () => {
  const pglite = BACKENDS.find((b) => b.name === "pglite")!;
  beforeAll(async () => (await pglite.open()).close(), 120_000); // the first PGlite of a process builds the template
  const env = harnessOverFolder(pglite, fixtures, { parallelism: 3 });
  const states = (dagId: string, runId: string) => env.harness.states(dagId, runId);
  const error = async (dagId: string, runId: string, taskId: string) =>
    (await env.db.query<{ error: string | null }>("SELECT error FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3", [dagId, runId, taskId])).rows[0]?.error;

  it("ExternalTaskSensor waits for the run an execution delta earlier: allowed, failed and DAG-run states, poke, reschedule and deferred", async () => {
    const triggerer = new Triggerer(env.db, { pollIntervalMs: 100, log: () => {} });
    await triggerer.start();
    try {
      const date = new Date("2024-03-01T01:00:00Z");
      const sensing = await triggerDagRun(env.db, "xdag_sensing", { logicalDate: date });
      env.harness.scheduler.runsCreated();
      await until("the sensors to wait", async () => {
        const s = await states("xdag_sensing", sensing.run_id);
        return s.wait_extract === "up_for_reschedule" && s.wait_whole_run === "deferred";
      });
      const parent = await triggerDagRun(env.db, "xdag_parent", { logicalDate: new Date("2024-03-01T00:00:00Z") });
      env.harness.scheduler.runsCreated();
      expect(await env.harness.waitForRun("xdag_parent", parent.run_id)).toBe("failed");
      expect(await env.harness.waitForRun("xdag_sensing", sensing.run_id)).toBe("failed");
      expect(await states("xdag_sensing", sensing.run_id)).toEqual({ wait_breaks: "failed", wait_extract: "success", wait_whole_run: "success" });
      expect(await error("xdag_sensing", sensing.run_id, "wait_breaks")).toBe('Some of the external tasks ["breaks"] in DAG xdag_parent failed.');
    } finally {
      await triggerer.stop();
    }
  });

  it("TriggerDagRunOperator creates the run with its conf, pushes its id, and waits for it (deferred and polling)", async () => {
    const triggerer = new Triggerer(env.db, { pollIntervalMs: 100, log: () => {} });
    await triggerer.start();
    try {
      const ok = await triggerDagRun(env.db, "xdag_controller", { conf: { color: "blue", suffix: "a" } });
      const bad = await triggerDagRun(env.db, "xdag_controller_polling", { conf: { suffix: "b" }, logicalDate: new Date("2024-05-01T00:00:00Z") });
      env.harness.scheduler.runsCreated();
      expect(await env.harness.waitForRun("xdag_controller", ok.run_id)).toBe("success");
      const child = await env.db.query<{ run_type: string; external_trigger: boolean; conf: unknown; state: string }>(
        "SELECT run_type, external_trigger, conf, state FROM dag_run WHERE dag_id = 'xdag_target' AND run_id = 'from_controller__a'",
      );
      expect(child.rows[0]).toEqual({ run_type: "manual", external_trigger: true, conf: { color: "blue" }, state: "success" });
      const xcom = await env.db.query<{ value: unknown }>("SELECT value FROM xcom WHERE dag_id = 'xdag_controller' AND run_id = $1 AND key = 'trigger_run_id'", [ok.run_id]);
      expect(xcom.rows[0].value).toBe("from_controller__a");

      // The polled child gets conf color=red, so its bash test fails: failed_states fail the waiting task.
      expect(await env.harness.waitForRun("xdag_controller_polling", bad.run_id)).toBe("failed");
      expect(await error("xdag_controller_polling", bad.run_id, "trigger_target")).toBe("xdag_target failed with failed states failed");
    } finally {
      await triggerer.stop();
    }
  });

  it("clearing an ExternalTaskMarker with downstream clears the marked task and its downstream in the child DAG's run", async () => {
    const date = new Date("2024-04-01T00:00:00Z");
    const child = await triggerDagRun(env.db, "xdag_marker_child", { logicalDate: date });
    const parent = await triggerDagRun(env.db, "xdag_marker_parent", { logicalDate: date });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("xdag_marker_child", child.run_id)).toBe("success");
    expect(await env.harness.waitForRun("xdag_marker_parent", parent.run_id)).toBe("success");
    const result = await clearTaskInstances(env.db, "xdag_marker_parent", {
      taskIds: ["start"], includeUpstream: false, includeDownstream: true, dagRunId: parent.run_id, startDate: null, endDate: null,
      onlyFailed: false, onlyRunning: false, resetDagRuns: false, dryRun: false,
    }, "test");
    expect(result.taskInstances.map((t) => `${t.dag_id}.${t.task_id}`).sort()).toEqual([
      "xdag_marker_child.after_child", "xdag_marker_child.child_task", "xdag_marker_parent.mark_child", "xdag_marker_parent.start",
    ]);
    expect(await states("xdag_marker_child", child.run_id)).toEqual({ after_child: null, child_task: null, unrelated: "success" });
  });
});
