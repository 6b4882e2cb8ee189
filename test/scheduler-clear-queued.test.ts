import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { clearTaskInstances } from "../core/runs/clear-task-instances.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { logPathFor } from "../scheduler/scheduler.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixtures = join(import.meta.dirname, "fixtures", "scheduler-clear-queued");

// The local executor starts a try when it hands it to a runner. A try cleared while it waited in the executor's
// backlog must never reach a runner: its start is refused, and the TI runs later as its next try.
describeEachBackend("clearing a task instance while it waits in the executor's backlog", (backend) => {
  const env = harnessOverFolder(backend, fixtures, { parallelism: 1 });

  it("never runs the cleared try; the next try runs and the run succeeds", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-clear-queued-"));
    try {
      const run = await triggerDagRun(env.db, "clear_queued", { conf: { dir } });
      env.harness.scheduler.runsCreated();
      const states = () => env.harness.states("clear_queued", run.run_id);
      await waitFor("blocker running and waiting queued behind it", async () => {
        const s = await states();
        return s.blocker === "running" && s.waiting === "queued" ? true : undefined;
      }, 20_000);

      await clearTaskInstances(env.db, "clear_queued", {
        taskIds: ["waiting"], includeUpstream: false, includeDownstream: false, dagRunId: run.run_id, startDate: null, endDate: null,
        onlyFailed: false, onlyRunning: false, resetDagRuns: false, dryRun: false,
      }, "tester");
      env.harness.scheduler.wake(`clear_queued\u0000${run.run_id}`);
      await writeFile(join(dir, "release"), "");

      expect(await env.harness.waitForRun("clear_queued", run.run_id, 20_000)).toBe("success");
      const { rows } = await env.db.query<{ try_number: number; state: string }>(
        "SELECT try_number, state FROM task_instance WHERE dag_id = 'clear_queued' AND run_id = $1 AND task_id = 'waiting'", [run.run_id]);
      expect(rows[0]).toEqual({ try_number: 2, state: "success" });
      const key = { dagId: "clear_queued", runId: run.run_id, taskId: "waiting", mapIndex: -1 };
      expect(existsSync(logPathFor(env.harness.home, key, 1))).toBe(false);
      expect(existsSync(logPathFor(env.harness.home, key, 2))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
