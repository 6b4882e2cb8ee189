import { join } from "node:path";
import { expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

// A scheduler that stalled past the health threshold is declared dead by its peers, who adopt what it had queued.
// When it comes back it must not go on as a job everyone takes for dead: it registers again and keeps scheduling.
describeEachBackend("a scheduler declared dead while it still runs", (backend) => {
  const env = harnessOverFolder(backend, join(import.meta.dirname, "fixtures", "scheduler"));

  it("registers again under a new job at its next heartbeat, and runs go on under that job", async () => {
    const declaredDead = env.harness.scheduler.id;
    await env.db.query("UPDATE job SET state = 'failed', end_date = now() WHERE id = $1", [declaredDead]);
    // Heartbeats are 5 s apart.
    const newJob = await waitFor("the scheduler to register again", () => (env.harness.scheduler.id !== declaredDead ? env.harness.scheduler.id : undefined), 15_000);
    const { rows: job } = await env.db.query<{ state: string }>("SELECT state FROM job WHERE id = $1", [newJob]);
    expect(job).toEqual([{ state: "running" }]);
    expect(env.harness.logs.join("\n")).toContain(`job ${declaredDead}) dead`);

    const run = await triggerDagRun(env.db, "scheduler_pipeline", { logicalDate: new Date("2024-03-01T00:00:00Z") });
    env.harness.scheduler.runsCreated();
    expect(await env.harness.waitForRun("scheduler_pipeline", run.run_id)).toBe("success");
    const { rows: queuedBy } = await env.db.query<{ job: number }>(
      "SELECT DISTINCT queued_by_job_id AS job FROM task_instance WHERE run_id = $1 AND queued_by_job_id IS NOT NULL", [run.run_id],
    );
    expect(queuedBy).toEqual([{ job: newJob }]);
  }, 60_000);
});
