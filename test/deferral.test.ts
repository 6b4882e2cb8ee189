import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { Triggerer } from "../triggerer/triggerer.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const until = (what: string, condition: () => Promise<boolean>, timeoutMs: number) => waitFor(what, async () => ((await condition()) ? true : undefined), timeoutMs);

const fixtures = join(import.meta.dirname, "fixtures", "deferral");

describeEachBackend("deferral: deferred tasks wait in the triggerer, not in a runner", (backend) => {
  // One runner slot: a task that holds it while waiting would block every other task.
  const env = harnessOverFolder(backend, fixtures, { parallelism: 1, zombieThresholdMs: 6000 });
  const quiet = () => {};

  const tiRow = async (dagId: string, runId: string, taskId: string) =>
    (await env.db.query<{ state: string; try_number: number; trigger_id: string | null; next_method: string | null; error: string | null }>(
      "SELECT state, try_number, trigger_id, next_method, error FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3",
      [dagId, runId, taskId],
    )).rows[0];

  it("frees the runner slot while deferred, then resumes the same try with the event and its earlier XComs", async () => {
    const triggerer = new Triggerer(env.db, { pollIntervalMs: 100, log: quiet });
    await triggerer.start();
    try {
      const at = new Date(Date.now() + 4000).toISOString();
      const run = await triggerDagRun(env.db, "deferral_slot", { conf: { at } });
      env.harness.scheduler.runsCreated();
      // The other task runs on the only slot while the first is deferred.
      await until("work to succeed", async () => (await tiRow("deferral_slot", run.run_id, "work"))?.state === "success", 20_000);
      const parked = await tiRow("deferral_slot", run.run_id, "deferring");
      expect(parked).toMatchObject({ state: "deferred", try_number: 1, next_method: "resume" });
      const trigger = await env.db.query<{ classpath: string; kwargs: { moment: string } }>("SELECT classpath, kwargs FROM trigger WHERE id = $1", [parked.trigger_id]);
      expect(trigger.rows[0]).toEqual({ classpath: "updraft.triggers.temporal.DateTimeTrigger", kwargs: { moment: at } });

      expect(await env.harness.waitForRun("deferral_slot", run.run_id)).toBe("success");
      expect(await tiRow("deferral_slot", run.run_id, "deferring")).toMatchObject({ state: "success", try_number: 1, trigger_id: null, next_method: null });
      const xcom = await env.db.query<{ value: unknown }>("SELECT value FROM xcom WHERE dag_id = 'deferral_slot' AND run_id = $1 AND task_id = 'deferring' AND key = 'return_value'", [run.run_id]);
      expect(xcom.rows[0].value).toEqual({ event: at, note: "kept", before: "pushed before deferring", try: 1 });
      expect((await env.db.query("SELECT id FROM trigger")).rows).toEqual([]);
      const history = await env.db.query<{ try_number: number; state: string }>("SELECT try_number, state FROM task_instance_history WHERE dag_id = 'deferral_slot' AND run_id = $1 AND task_id = 'deferring'", [run.run_id]);
      expect(history.rows).toEqual([{ try_number: 1, state: "success" }]);
      // Ended by the triggerer: one try, recorded, and no runner resumed it (a resumed try logs that it resumes).
      expect(await tiRow("deferral_slot", run.run_id, "ends_itself")).toMatchObject({ state: "success", try_number: 1, trigger_id: null, next_method: null });
      const log = await env.db.query<{ path: string }>("SELECT path FROM task_log WHERE dag_id = 'deferral_slot' AND run_id = $1 AND task_id = 'ends_itself'", [run.run_id]);
      expect(await readFile(log.rows[0].path, "utf8")).not.toMatch(/Resuming after deferral/);
      expect(await readFile((await env.db.query<{ path: string }>("SELECT path FROM task_log WHERE dag_id = 'deferral_slot' AND run_id = $1 AND task_id = 'deferring'", [run.run_id])).rows[0].path, "utf8")).toMatch(/Resuming after deferral: calling resume/);
    } finally {
      await triggerer.stop();
    }
  });

  it("fails a deferred sensor whose trigger timeout passes, without retrying", async () => {
    const triggerer = new Triggerer(env.db, { pollIntervalMs: 100, log: quiet });
    await triggerer.start();
    try {
      const run = await triggerDagRun(env.db, "deferral_timeout", {});
      env.harness.scheduler.runsCreated();
      expect(await env.harness.waitForRun("deferral_timeout", run.run_id)).toBe("failed");
      const ti = await tiRow("deferral_timeout", run.run_id, "never");
      expect(ti.state).toBe("failed");
      expect(ti.error).toMatch(/did not succeed within its timeout of 1s/);
    } finally {
      await triggerer.stop();
    }
  });

  it("takes over the triggers of a triggerer that died, and keeps deferred TIs across a scheduler restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-deferral-"));
    const first = new Triggerer(env.db, { pollIntervalMs: 100, heartbeatMs: 200, healthThresholdMs: 1000, log: quiet });
    await first.start();
    let second: Triggerer | undefined;
    try {
      const path = join(dir, "ready.txt");
      const run = await triggerDagRun(env.db, "deferral_file", { conf: { path } });
      env.harness.scheduler.runsCreated();
      const claimedBy = async () => (await env.db.query<{ triggerer_id: string | null }>("SELECT triggerer_id FROM trigger")).rows[0]?.triggerer_id;
      await until("the first triggerer to claim the trigger", async () => Number(await claimedBy()) === first.id, 20_000);
      await first.halt(); // dies without handing its triggers back

      // Deferred TIs are not zombies and survive a scheduler restart (adoption only resets queued TIs).
      await env.harness.scheduler.stop();
      await env.harness.scheduler.start();
      expect((await tiRow("deferral_file", run.run_id, "wait_file")).state).toBe("deferred");

      second = new Triggerer(env.db, { pollIntervalMs: 100, heartbeatMs: 200, healthThresholdMs: 1000, log: quiet });
      await second.start();
      await until("the second triggerer to take the trigger over", async () => Number(await claimedBy()) === second!.id, 10_000);
      await writeFile(path, "done");
      expect(await env.harness.waitForRun("deferral_file", run.run_id)).toBe("success");
      expect(await tiRow("deferral_file", run.run_id, "wait_file")).toMatchObject({ state: "success", try_number: 1 });
    } finally {
      await second?.stop();
      await first.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
