import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { Triggerer } from "../triggerer/triggerer.ts";
import { dagsTest, REPO_ROOT } from "./helpers/cli.ts";
import { BACKENDS } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";

describe("phase3_03_sensors under dags test", () => {
  it("succeeds: time sensors at their first poke, a deferred wait and a deferrable file sensor run inline", async () => {
    const { code, run, states } = await dagsTest("phase3_03_sensors");
    expect(code).toBe(0);
    expect(run.state).toBe("success");
    expect(states).toEqual({
      interval_over: "success", past_midnight: "success", a_minute_after_interval: "success", wait_two_seconds: "success",
      writeMarker: "success", wait_for_marker: "success",
    });
  });
});

// The phase13 examples as they are meant to run: a scheduler, runners and a triggerer over the DAGs folder.
describe("phase13 cross-DAG examples under the scheduler (PGlite)", () => {
  const pglite = BACKENDS.find((b) => b.name === "pglite")!;
  beforeAll(async () => (await pglite.open()).close(), 120_000); // the first PGlite of a process builds the template
  const env = harnessOverFolder(pglite, join(REPO_ROOT, "dags", "phase13"), { parallelism: 3 });
  let triggerer: Triggerer;
  beforeAll(async () => {
    triggerer = new Triggerer(env.db, { pollIntervalMs: 200, log: () => {} });
    await triggerer.start();
    return () => triggerer.stop();
  });

  it("phase13_01: the sensors wait for the upstream triggered after them, then report runs", async () => {
    const logicalDate = new Date("2024-01-03T00:00:00Z");
    const sensing = await triggerDagRun(env.db, "phase13_01_external_task_sensor", { logicalDate });
    const upstream = await triggerDagRun(env.db, "phase13_01_external_task_sensor_upstream", { logicalDate });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("phase13_01_external_task_sensor_upstream", upstream.run_id)).toBe("success");
    expect(await env.harness.waitForRun("phase13_01_external_task_sensor", sensing.run_id)).toBe("success");
    expect(await env.harness.states("phase13_01_external_task_sensor", sensing.run_id)).toEqual({ report: "success", wait_for_publish: "success", wait_for_upstream_run: "success" });
  });

  it("phase13_02 and phase13_03: the controllers trigger their targets, which run with the conf, and wait for them", async () => {
    const logicalDate = new Date("2024-01-04T00:00:00Z");
    const two = await triggerDagRun(env.db, "phase13_02_trigger_dag_run", { logicalDate });
    const three = await triggerDagRun(env.db, "phase13_03_dag_dependencies", { logicalDate });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("phase13_02_trigger_dag_run", two.run_id)).toBe("success");
    expect(await env.harness.waitForRun("phase13_03_dag_dependencies", three.run_id)).toBe("success");
    const { rows } = await env.db.query<{ dag_id: string; run_id: string; state: string; conf: unknown }>(
      "SELECT dag_id, run_id, state, conf FROM dag_run WHERE dag_id IN ('phase13_02_trigger_dag_run_target', 'phase13_03_dag_dependencies_ingest') ORDER BY dag_id",
    );
    expect(rows).toEqual([
      { dag_id: "phase13_02_trigger_dag_run_target", run_id: "triggered_by_phase13_02__20240104T000000", state: "success", conf: { who: "world", parent_run: two.run_id } },
      { dag_id: "phase13_03_dag_dependencies_ingest", run_id: "from_controller__20240104T000000", state: "success", conf: {} },
    ]);
  });
});
