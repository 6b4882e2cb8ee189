import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import type { Database } from "../core/store/database.ts";
import { harnessOverFolder, type Harness } from "./helpers/scheduler-harness.ts";

const fixtures = join(import.meta.dirname, "fixtures", "scheduler");

async function runsThePipeline(env: { db: Database; harness: Harness }): Promise<void> {
  const run = await triggerDagRun(env.db, "scheduler_pipeline", { logicalDate: new Date("2024-02-01T00:00:00Z") });
  env.harness.scheduler.runsCreated();
  expect(await env.harness.waitForRun("scheduler_pipeline", run.run_id)).toBe("success");
  expect(await env.harness.states("scheduler_pipeline", run.run_id)).toEqual({
    big: "success", choose: "success", "double[0]": "success", "double[1]": "success", "double[2]": "success",
    extract: "success", join: "success", small: "skipped", total: "success",
  });
  const { rows } = await env.db.query<{ value: unknown }>(
    "SELECT value FROM xcom WHERE dag_id = 'scheduler_pipeline' AND run_id = $1 AND task_id = 'total' AND key = 'return_value'",
    [run.run_id],
  );
  expect(rows[0].value).toBe(12);
  const log = await env.db.query<{ path: string }>("SELECT path FROM task_log WHERE dag_id = 'scheduler_pipeline' AND run_id = $1 AND task_id = 'big'", [run.run_id]);
  expect(await readFile(log.rows[0].path, "utf8")).toMatch(/big 2024-02-01/);
  expect(log.rows[0].path).toMatch(/logs\/dag_id=scheduler_pipeline\/run_id=manual__2024-02-01T00:00:00\+00:00\/task_id=big\/attempt=1\.log$/);
}

describeEachBackend("persisted runs through scheduler, local executor and execution API", (backend) => {
  const env = harnessOverFolder(backend, fixtures);

  it("runs mapping, XCom, branching and joins to success in real runner processes", () => runsThePipeline(env));

  it("retries a failed try after its delay, and records both tries", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-marker-"));
    try {
      const run = await triggerDagRun(env.db, "scheduler_flaky", { conf: { dir } });
      env.harness.scheduler.runsCreated();
      expect(await env.harness.waitForRun("scheduler_flaky", run.run_id)).toBe("success");
      const history = await env.db.query<{ try_number: number; state: string }>(
        "SELECT try_number, state FROM task_instance_history WHERE dag_id = 'scheduler_flaky' AND run_id = $1 ORDER BY try_number",
        [run.run_id],
      );
      expect(history.rows).toEqual([{ try_number: 1, state: "up_for_retry" }, { try_number: 2, state: "success" }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeEachBackend("runners reaching the execution API over HTTP, as workers on other machines do", (backend) => {
  const env = harnessOverFolder(backend, fixtures, { transport: "http" });

  it("runs mapping, XCom, branching and joins to success", () => runsThePipeline(env));
});
