import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { failTryExternally } from "../scheduler/failure.ts";
import { BACKENDS, POSTGRES_REACHABLE } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

interface Line {
  callback: string;
  task_id: string;
  try_number: number;
  ti_state: string;
  run_id: string;
  conf_dir: string | null;
  param: string | null;
  exception: string | null;
  pid: number;
}

// One back end keeps this file's runner processes and waits to one set: PostgreSQL, where two schedulers really race,
// or PGlite when no server is reachable (the store conformance suite covers the SQL on both).
const backend = BACKENDS.find((b) => b.name === (POSTGRES_REACHABLE ? "postgres" : "pglite"))!;

describe(`task callbacks: in the try's runner, and for tries failed from outside it [${backend.name}]`, () => {
  let db: Database;
  let harness: Harness;
  let dir: string;
  const lines = async (): Promise<Line[]> =>
    (await readFile(join(dir, "callbacks.jsonl"), "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
  const summary = (all: Line[], runId: string) =>
    all.filter((l) => l.run_id === runId).map((l) => `${l.task_id}#${l.try_number} ${l.callback} ${l.ti_state}`).sort();

  beforeAll(async () => {
    db = await backend.open();
    dir = await mkdtemp(join(tmpdir(), "updraft-task-callbacks-"));
    const bag = await DagBag.load(join(import.meta.dirname, "fixtures", "task-callbacks"));
    expect(bag.importErrors).toEqual([]);
    // Zombie detection would take 10 minutes: only a dead runner or the backstop (1 s past the 1 s timeout) ends tries.
    harness = await startHarness(db, [...bag.dags.values()], { parallelism: 4, zombieThresholdMs: 600_000, executionTimeoutGraceMs: 1000 });
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  let externalRun: Promise<{ run_id: string }>;

  it("the try's runner runs execute, success, skipped, retry and failure callbacks with the full context; a throwing one changes nothing", async () => {
    const run = await triggerDagRun(db, "task_callbacks_in_runner", { conf: { dir } });
    // The next test's run goes at the same time: its tries wait to be killed or for the backstop meanwhile.
    externalRun = triggerDagRun(db, "task_callbacks_external", { conf: { dir } });
    await externalRun;
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun("task_callbacks_in_runner", run.run_id)).toBe("failed");
    expect(await harness.states("task_callbacks_in_runner", run.run_id)).toEqual({ fails: "failed", ok: "success", skips: "skipped" });
    const all = (await lines()).filter((l) => l.run_id === run.run_id);
    expect(summary(all, run.run_id)).toEqual([
      "fails#1 execute running",
      "fails#1 retry up_for_retry",
      "fails#2 execute running",
      "fails#2 failure failed",
      "ok#1 execute running",
      "ok#1 success success",
      "skips#1 execute running",
      "skips#1 skipped skipped",
      "skips#1 success skipped",
    ].sort());
    expect(all.find((l) => l.callback === "retry")!.exception).toBe("boom on try 1");
    expect(all.find((l) => l.callback === "failure")!.exception).toBe("boom on try 2");
    expect(all.filter((l) => l.callback === "success" || l.callback === "execute").every((l) => l.exception === null)).toBe(true);
    expect(all.every((l) => l.param === "hello" && l.conf_dir === "set" && l.pid !== process.pid)).toBe(true);
  });

  it("a kill -9'd runner and the execution_timeout backstop: another runner runs the failure or retry callbacks, once", async () => {
    const run = await externalRun;
    const pidOf = (name: string) => waitFor(`${name} to start`, async () => Number(await readFile(join(dir, `${name}-1.pid`), "utf8").catch(() => "")) || undefined);
    const [killed, killedRetry] = await Promise.all([pidOf("killed"), pidOf("killed_retry")]);
    process.kill(killed, "SIGKILL");
    process.kill(killedRetry, "SIGKILL");
    expect(await harness.waitForRun("task_callbacks_external", run.run_id)).toBe("failed");
    expect(await harness.states("task_callbacks_external", run.run_id)).toEqual({ blocked: "failed", killed: "failed", killed_retry: "success" });
    const expected = [
      "blocked#1 execute running",
      "blocked#1 failure failed",
      "killed#1 execute running",
      "killed#1 failure failed",
      "killed_retry#1 execute running",
      "killed_retry#1 retry up_for_retry",
      "killed_retry#2 execute running",
      "killed_retry#2 success success",
    ].sort();
    await waitFor("the external failures' callbacks", async () => (summary(await lines(), run.run_id).length >= expected.length ? true : undefined));
    await waitFor("every runner to be idle", () => (harness.executor.isIdle() ? true : undefined));
    const all = (await lines()).filter((l) => l.run_id === run.run_id);
    expect(summary(all, run.run_id)).toEqual(expected);
    const external = all.filter((l) => ["blocked", "killed", "killed_retry"].includes(l.task_id) && l.try_number === 1 && l.callback !== "execute");
    expect(external.find((l) => l.task_id === "killed")!.exception).toMatch(/runner stopped before it reported.*SIGKILL/);
    expect(external.find((l) => l.task_id === "blocked")!.exception).toMatch(/execution_timeout/);
    // Run by other runners than the dead ones, with the run's params and conf.
    expect(external.every((l) => l.param === "hi" && l.conf_dir === "set" && l.pid !== killed && l.pid !== killedRetry)).toBe(true);
    const { rows } = await db.query<{ task_id: string; kind: string; try_number: number; done: boolean }>(
      "SELECT task_id, kind, try_number, claimed_at IS NOT NULL AS done FROM callback_request WHERE run_id = $1 ORDER BY task_id",
      [run.run_id],
    );
    expect(rows).toEqual([
      { task_id: "blocked", kind: "task_failed", try_number: 1, done: true },
      { task_id: "killed", kind: "task_failed", try_number: 1, done: true },
      { task_id: "killed_retry", kind: "task_retry", try_number: 1, done: true },
    ]);
  });

  it("two schedulers failing the same try at once ask for its callbacks once", async () => {
    const run = await triggerDagRun(db, "task_callbacks_in_runner", { conf: { dir }, logicalDate: new Date("2024-02-01T00:00:00Z") });
    await db.query(
      `INSERT INTO task_instance (dag_id, run_id, task_id, map_index, state, try_number, max_tries, start_date)
       VALUES ($1, $2, 'ok', -1, 'running', 1, 0, now())
       ON CONFLICT (dag_id, run_id, task_id, map_index) DO UPDATE SET state = 'running', try_number = 1`,
      ["task_callbacks_in_runner", run.run_id],
    );
    const key = { dagId: "task_callbacks_in_runner", runId: run.run_id, taskId: "ok", mapIndex: -1 };
    const fail = () => db.transaction((tx) => failTryExternally(tx, key, 1, ["running"], undefined, run.logical_date, "zombie"));
    const outcomes = await Promise.all([fail(), fail()]);
    expect(outcomes.sort()).toEqual(["failed", null].sort());
    const { rows } = await db.query("SELECT kind FROM callback_request WHERE run_id = $1", [run.run_id]);
    expect(rows).toEqual([{ kind: "task_failed" }]);
  });
});
