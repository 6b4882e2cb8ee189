import { join } from "node:path";
import { expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";

const fixtures = join(import.meta.dirname, "fixtures", "scheduler-mapped-groups");

describeEachBackend("a mapped task group through scheduler, runners and execution API", (backend) => {
  const env = harnessOverFolder(backend, fixtures);

  // The same DAG in Python under Airflow 2.10.5 ends exactly so, and `collect` receives [3].
  it("expands the group over an upstream output; branches, failures and skips stay in their map index", async () => {
    const run = await triggerDagRun(env.db, "scheduler_mapped_group", { logicalDate: new Date("2024-02-01T00:00:00Z") });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("scheduler_mapped_group", run.run_id)).toBe("success");
    expect(await env.harness.states("scheduler_mapped_group", run.run_id)).toEqual({
      numbers: "success",
      "process.pick[0]": "success", "process.pick[1]": "success", "process.pick[2]": "success",
      "process.double[0]": "success", "process.double[1]": "failed", "process.double[2]": "skipped",
      "process.small[0]": "skipped", "process.small[1]": "skipped", "process.small[2]": "success",
      "process.add_one[0]": "success", "process.add_one[1]": "upstream_failed", "process.add_one[2]": "skipped",
      collect: "success",
    });
    const { rows } = await env.db.query<{ value: unknown }>(
      "SELECT value FROM xcom WHERE dag_id = 'scheduler_mapped_group' AND run_id = $1 AND task_id = 'collect' AND key = 'return_value'",
      [run.run_id],
    );
    expect(rows[0].value).toEqual([3]);
  });

  // Airflow 2.10.5: a mapped short-circuit skips only its own map index, so the unmapped `after` still runs.
  it("a short-circuit at one map index skips only that index, through the execution API", async () => {
    const run = await triggerDagRun(env.db, "scheduler_mapped_short_circuit", { logicalDate: new Date("2024-02-01T00:00:00Z") });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("scheduler_mapped_short_circuit", run.run_id)).toBe("success");
    expect(await env.harness.states("scheduler_mapped_short_circuit", run.run_id)).toEqual({
      "gate[0]": "success", "gate[1]": "success", "gate[2]": "success", after: "success",
      "gated.gate[0]": "success", "gated.gate[1]": "success", "gated.gate[2]": "success",
      "gated.after_gate[0]": "success", "gated.after_gate[1]": "skipped", "gated.after_gate[2]": "success",
    });
  });
});
