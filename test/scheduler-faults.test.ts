import { afterEach, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";

const fixtures = new URL("./fixtures/scheduler", import.meta.url).pathname;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeEachBackend("faults in runners", (backend) => {
  let db: Database | undefined;
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    await db?.close();
  });

  async function startSlowRun(zombieThresholdMs?: number) {
    db = await backend.open();
    const bag = await DagBag.load(fixtures);
    harness = await startHarness(db, [bag.getDag("scheduler_hangs_first")], { parallelism: 2, zombieThresholdMs });
    const run = await triggerDagRun(db, "scheduler_hangs_first");
    harness.scheduler.runsCreated();
    const pid = await waitFor("the first try to run", async () => {
      const { rows } = await db!.query<{ state: string; pid: number }>("SELECT state, pid FROM task_instance WHERE dag_id = 'scheduler_hangs_first' AND run_id = $1", [run.run_id]);
      return rows[0]?.state === "running" && rows[0].pid ? rows[0].pid : undefined;
    });
    // Give bash a moment to start, so the kill lands mid-task.
    await new Promise((r) => setTimeout(r, 300));
    return { run, pid };
  }

  async function tries(runId: string) {
    const { rows } = await db!.query<{ try_number: number; state: string; error: string | null }>(
      "SELECT try_number, state, error FROM task_instance_history WHERE dag_id = 'scheduler_hangs_first' AND run_id = $1 ORDER BY try_number",
      [runId],
    );
    return rows;
  }

  it("kill -9 of a runner mid-task: the try fails, the retry runs, the run succeeds", async () => {
    const { run, pid } = await startSlowRun();
    expect(harness!.executor.runnerPids()).toContain(pid);
    process.kill(pid, "SIGKILL");
    expect(await harness!.waitForRun("scheduler_hangs_first", run.run_id)).toBe("success");
    const history = await tries(run.run_id);
    expect(history.map((h) => [h.try_number, h.state])).toEqual([[1, "up_for_retry"], [2, "success"]]);
    expect(history[0].error).toMatch(/runner process died \(SIGKILL\)/);
    // The pool replaced the dead runner.
    await waitFor("the runner pool to refill", async () => (harness!.executor.runnerPids().length === 2 ? true : undefined));
  });

  it("a runner that stops heartbeating becomes a zombie: the try is retried elsewhere and the late runner cannot overwrite it", async () => {
    const { run, pid } = await startSlowRun(1500);
    process.kill(pid, "SIGSTOP");
    try {
      expect(await harness!.waitForRun("scheduler_hangs_first", run.run_id)).toBe("success");
      const history = await tries(run.run_id);
      expect(history.map((h) => [h.try_number, h.state])).toEqual([[1, "up_for_retry"], [2, "success"]]);
      expect(history[0].error).toMatch(/zombie/);
    } finally {
      process.kill(pid, "SIGKILL");
    }
    const { rows } = await db!.query<{ state: string; try_number: number }>("SELECT state, try_number FROM task_instance WHERE run_id = $1", [run.run_id]);
    expect(rows).toEqual([{ state: "success", try_number: 2 }]);
  });
});
