import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describeEachBackend("the scheduler ends a try its runner could not stop at execution_timeout", (backend) => {
  let db: Database;
  let harness: Harness;

  beforeAll(async () => {
    db = await backend.open();
    const bag = await DagBag.load(join(import.meta.dirname, "fixtures", "scheduler-timeouts"));
    expect(bag.importErrors).toEqual([]);
    // Zombie detection would take 10 minutes here: only the backstop (1 s past the 1 s timeout) can end these tries.
    harness = await startHarness(db, [...bag.dags.values()], { parallelism: 2, zombieThresholdMs: 600_000, executionTimeoutGraceMs: 1000 });
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  async function runningPid(dagId: string, runId: string): Promise<number> {
    return waitFor(`${dagId} to start running`, async () => {
      const { rows } = await db.query<{ state: string; pid: number | null }>("SELECT state, pid FROM task_instance WHERE dag_id = $1 AND run_id = $2", [dagId, runId]);
      return rows[0]?.state === "running" && rows[0].pid ? rows[0].pid : undefined;
    });
  }

  async function tries(dagId: string, runId: string) {
    const { rows } = await db.query<{ try_number: number; state: string; error: string | null }>(
      "SELECT try_number, state, error FROM task_instance_history WHERE dag_id = $1 AND run_id = $2 ORDER BY try_number",
      [dagId, runId],
    );
    return rows;
  }

  it("without retries: the try fails, and its runner is killed", async () => {
    const run = await triggerDagRun(db, "scheduler_blocks_always");
    harness.scheduler.runsCreated();
    const pid = await runningPid("scheduler_blocks_always", run.run_id);
    expect(await harness.waitForRun("scheduler_blocks_always", run.run_id, 30_000)).toBe("failed");
    const history = await tries("scheduler_blocks_always", run.run_id);
    expect(history.map((h) => [h.try_number, h.state])).toEqual([[1, "failed"]]);
    expect(history[0].error).toMatch(/exceeded its execution_timeout of 1s .* the scheduler stopped it/);
    await waitFor(`runner ${pid} to be killed`, () => (isAlive(pid) ? undefined : true));
    expect(harness.logs.join("\n")).toMatch(/scheduler_blocks_always\.blocks try 1 ran \d+s, past its execution_timeout of 1s: now failed/);
  });

  it("with retries: the try is retried, and the retry succeeds", async () => {
    const run = await triggerDagRun(db, "scheduler_blocks_once");
    harness.scheduler.runsCreated();
    const pid = await runningPid("scheduler_blocks_once", run.run_id);
    expect(await harness.waitForRun("scheduler_blocks_once", run.run_id, 30_000)).toBe("success");
    const history = await tries("scheduler_blocks_once", run.run_id);
    expect(history.map((h) => [h.try_number, h.state])).toEqual([[1, "up_for_retry"], [2, "success"]]);
    expect(history[0].error).toMatch(/the scheduler stopped it/);
    await waitFor(`runner ${pid} to be killed`, () => (isAlive(pid) ? undefined : true));
  });
});
