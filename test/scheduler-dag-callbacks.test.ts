import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const DAG_ID = "scheduler_dag_callbacks";
const PARALLELISM = 2;

interface Recorded {
  run_id: string;
  run_state: string;
  reason: string | null;
  task_id: string;
  ti_state: string;
  pid: number;
}

describeEachBackend("DAG-level on_success_callback / on_failure_callback through the scheduler", (backend) => {
  let db: Database;
  let harness: Harness;
  let dir: string;
  const recorded = async (): Promise<Recorded[]> =>
    (await readFile(join(dir, "callbacks.jsonl"), "utf8").catch(() => "")).split("\n").filter(Boolean).map((line) => JSON.parse(line) as Recorded);

  beforeAll(async () => {
    db = await backend.open();
    dir = await mkdtemp(join(tmpdir(), "updraft-callbacks-"));
    const bag = await DagBag.load(join(import.meta.dirname, "fixtures", "scheduler-callbacks"));
    expect(bag.importErrors).toEqual([]);
    harness = await startHarness(db, [...bag.dags.values()], { parallelism: PARALLELISM });
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("each fires exactly once per run, in a runner, with the run's last task instance and the reason", async () => {
    const ok = await triggerDagRun(db, DAG_ID, { logicalDate: new Date("2024-03-01T00:00:00Z"), conf: { dir } });
    const bad = await triggerDagRun(db, DAG_ID, { logicalDate: new Date("2024-03-02T00:00:00Z"), conf: { dir, fail: true } });
    harness.scheduler.runsCreated();
    expect(await harness.waitForRuns(DAG_ID, [ok.run_id, bad.run_id])).toEqual(["success", "failed"]);
    await waitFor("both runs' callbacks", async () => ((await recorded()).length >= 2 ? true : undefined));

    // A later run whose callback has run: requests are handed out oldest first, so a second copy of an earlier one
    // would have been handed out by then; then wait until no runner is busy, so that it would also have finished.
    const later = await triggerDagRun(db, DAG_ID, { logicalDate: new Date("2024-03-03T00:00:00Z"), conf: { dir } });
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun(DAG_ID, later.run_id)).toBe("success");
    await waitFor("the later run's callback", async () => ((await recorded()).some((r) => r.run_id === later.run_id) ? true : undefined));
    await waitFor("every runner to be idle", () => (harness.executor.isIdle() ? true : undefined));

    const lines = await recorded();
    expect(lines.map(({ pid: _pid, ...rest }) => rest).sort((a, b) => a.run_id.localeCompare(b.run_id))).toEqual([
      { run_id: ok.run_id, run_state: "success", reason: "success", task_id: "publish", ti_state: "success" },
      { run_id: bad.run_id, run_state: "failed", reason: "task_failure", task_id: "publish", ti_state: "upstream_failed" },
      { run_id: later.run_id, run_state: "success", reason: "success", task_id: "publish", ti_state: "success" },
    ]);
    // User code never runs in the scheduler's process.
    for (const line of lines) expect(line.pid).not.toBe(process.pid);
    const { rows } = await db.query<{ run_id: string; kind: string; pending: boolean }>(
      "SELECT run_id, kind, claimed_at IS NULL AS pending FROM callback_request WHERE dag_id = $1 ORDER BY run_id",
      [DAG_ID],
    );
    expect(rows).toEqual([
      { run_id: ok.run_id, kind: "dag_success", pending: false },
      { run_id: bad.run_id, kind: "dag_failed", pending: false },
      { run_id: later.run_id, kind: "dag_success", pending: false },
    ]);
  });

  it("a callback that throws is logged, the next one still runs, and the run's state does not change", async () => {
    const run = await triggerDagRun(db, DAG_ID, { logicalDate: new Date("2024-03-04T00:00:00Z"), conf: { dir } });
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun(DAG_ID, run.run_id)).toBe("success");
    await waitFor("the scheduler to log the failed callback", () => (harness.logs.some((l) => l.includes(run.run_id) && l.includes("callback bug")) ? true : undefined));
    expect((await recorded()).filter((r) => r.run_id === run.run_id)).toHaveLength(1);
    const log = await readFile(join(harness.home, "logs", `dag_id=${DAG_ID}`, `run_id=${run.run_id}`, "dag_callbacks.log"), "utf8");
    expect(log).toMatch(/DAG success callback buggyCallback failed: callback bug/);
    const { rows } = await db.query<{ state: string }>("SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2", [DAG_ID, run.run_id]);
    expect(rows[0].state).toBe("success");
  });
});
