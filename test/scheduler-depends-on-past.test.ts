import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dag, BashOperator } from "updraft";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { runDagInProcess } from "../core/inprocess/run-dag.ts";
import { clearTaskInstances } from "../core/runs/clear-task-instances.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { insertDagRun } from "../core/store/queries/dag-runs.ts";
import { previousRunStates } from "../core/store/queries/previous-run-states.ts";
import type { DagRunType, JsonObject, TaskState } from "../core/types.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { storeDags } from "./helpers/store-dags.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixtures = join(import.meta.dirname, "fixtures", "scheduler-depends-on-past");
const day = (d: number) => new Date(`2024-01-0${d}T00:00:00Z`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface TiRow {
  state: TaskState;
  try_number: number;
  start_date: Date | null;
  end_date: Date | null;
}

describeEachBackend("depends_on_past and wait_for_downstream under the scheduler", (backend) => {
  let db: Database;
  let harness: Harness;
  let dir: string;

  beforeAll(async () => {
    db = await backend.open();
    dir = await mkdtemp(join(tmpdir(), "updraft-dop-"));
    const bag = await DagBag.load(fixtures);
    expect(bag.importErrors).toEqual([]);
    // No safety-net pass during a test: a run held back by the previous one must be woken by the event that frees it.
    harness = await startHarness(db, [...bag.dags.values()], { pollIntervalMs: 600_000 });
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function trigger(dagId: string, d: number, conf: JsonObject = {}): Promise<string> {
    return (await triggerDagRun(db, dagId, { logicalDate: day(d), conf })).run_id;
  }
  async function ti(dagId: string, runId: string, taskId: string): Promise<TiRow> {
    const { rows } = await db.query<TiRow>(
      "SELECT state, try_number, start_date, end_date FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3",
      [dagId, runId, taskId],
    );
    return rows[0];
  }
  async function runState(dagId: string, runId: string): Promise<string> {
    return (await db.query<{ state: string }>("SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2", [dagId, runId])).rows[0].state;
  }
  /** Lets the scheduler look at every running run (a full pass) and gives it time to act on what it sees. */
  async function fullPassThenWait(): Promise<void> {
    harness.scheduler.wake();
    await sleep(1500);
  }

  it("holds a run back while the previous run's task failed, and lets the runs go in order once it is cleared and succeeds", async () => {
    const marker = join(dir, "chain-may-succeed");
    const [first, second, third] = [
      await trigger("dop_chain", 1, { fail_until: marker }),
      await trigger("dop_chain", 2),
      await trigger("dop_chain", 3),
    ];
    harness.scheduler.runsCreated();
    // The first run has no run before it: its task runs (and fails).
    expect(await harness.waitForRun("dop_chain", first)).toBe("failed");
    await fullPassThenWait();
    expect(await ti("dop_chain", first, "work")).toMatchObject({ state: "failed", try_number: 1 });
    for (const runId of [second, third]) {
      expect(await ti("dop_chain", runId, "work")).toMatchObject({ state: null, try_number: 0, start_date: null });
      expect(await runState("dop_chain", runId)).toBe("running");
    }

    await writeFile(marker, "");
    const cleared = await clearTaskInstances(db, "dop_chain", {
      taskIds: ["work"], includeUpstream: false, includeDownstream: false, dagRunId: first, startDate: null, endDate: null,
      onlyFailed: false, onlyRunning: false, resetDagRuns: true, dryRun: false,
    }, "test");
    expect(cleared.requeuedRunIds).toEqual([first]);
    harness.scheduler.runsCreated();
    expect(await harness.waitForRuns("dop_chain", [first, second, third], 30_000)).toEqual(["success", "success", "success"]);
    const [w1, w2, w3] = [await ti("dop_chain", first, "work"), await ti("dop_chain", second, "work"), await ti("dop_chain", third, "work")];
    expect([w1.try_number, w2.try_number, w3.try_number]).toEqual([2, 1, 1]);
    expect(w2.start_date!.getTime()).toBeGreaterThanOrEqual(w1.end_date!.getTime());
    expect(w3.start_date!.getTime()).toBeGreaterThanOrEqual(w2.end_date!.getTime());
  });

  it("wait_for_downstream: a run's task waits until the previous run's downstream task has finished", async () => {
    const release = join(dir, "downstream-may-finish");
    const first = await trigger("dop_wait_for_downstream", 1, { hold_until: release });
    const second = await trigger("dop_wait_for_downstream", 2);
    harness.scheduler.runsCreated();
    await waitFor("the first run's downstream task to run", async () => ((await ti("dop_wait_for_downstream", first, "downstream")).state === "running" ? true : undefined));
    await fullPassThenWait();
    // The previous run's `upstream` succeeded (depends_on_past alone would let it go); its `downstream` is still running.
    expect(await ti("dop_wait_for_downstream", first, "upstream")).toMatchObject({ state: "success" });
    expect(await ti("dop_wait_for_downstream", second, "upstream")).toMatchObject({ state: null, try_number: 0 });

    await writeFile(release, "");
    expect(await harness.waitForRuns("dop_wait_for_downstream", [first, second], 30_000)).toEqual(["success", "success"]);
    const heldBy = await ti("dop_wait_for_downstream", first, "downstream");
    const held = await ti("dop_wait_for_downstream", second, "upstream");
    expect(held.start_date!.getTime()).toBeGreaterThanOrEqual(heldBy.end_date!.getTime());
  });

  it("the first run passes; a task new since the previous run passes with ignore_first_depends_on_past and waits without it", async () => {
    const first = await trigger("dop_first_runs", 1);
    const second = await trigger("dop_first_runs", 2);
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun("dop_first_runs", first)).toBe("success");
    // The tasks starting on 2024-01-02 have no task instance in the run of 2024-01-01.
    expect(await harness.states("dop_first_runs", first)).toEqual({ always: "success" });
    await waitFor("the second run's tasks that may run", async () => {
      const states = await harness.states("dop_first_runs", second);
      return states.always === "success" && states.late_lenient === "success" ? states : undefined;
    });
    await fullPassThenWait();
    expect(await harness.states("dop_first_runs", second)).toEqual({ always: "success", late_lenient: "success", late_strict: null });
    // Deadlock detection is off for a run with depends_on_past tasks: it stays running, as in Airflow.
    expect(await runState("dop_first_runs", second)).toBe("running");
  });
});

describeEachBackend("which run depends_on_past compares with, and what it reads of it (one statement)", (backend) => {
  let db: Database;
  const dagId = "dop_previous_run";

  async function addRun(runId: string, runType: DagRunType, d: number, tis: Record<string, TaskState[]>): Promise<void> {
    await insertDagRun(db, {
      dagId, runId, runType, logicalDate: day(d), dataIntervalStart: day(d), dataIntervalEnd: day(d), conf: {},
      externalTrigger: runType === "manual", state: "running", dagHash: null,
    });
    for (const [taskId, states] of Object.entries(tis)) {
      for (const [i, state] of states.entries()) {
        await db.query("INSERT INTO task_instance (dag_id, run_id, task_id, map_index, state) VALUES ($1, $2, $3, $4, $5)",
          [dagId, runId, taskId, states.length > 1 ? i : -1, state]);
      }
    }
  }
  const read = (d: number, scheduledOnly: boolean, firstTaskIds: string[] = []) =>
    previousRunStates(db, dagId, day(d), { scheduledOnly, taskIds: ["work", "down", "late"], firstTaskIds });

  beforeAll(async () => {
    db = await backend.open();
    await storeDags(db, [dag({ dagId, schedule: null, startDate: "2024-01-01" }, () => {
      new BashOperator({ taskId: "work", bashCommand: "true" });
    })]);
    await addRun("m1", "manual", 1, { work: ["success"], late: ["success"] });
    await addRun("s2", "scheduled", 2, { work: ["success", "skipped", "removed"], down: ["running"] });
    await addRun("m3", "manual", 3, { work: [null, "success"], down: ["skipped"] });
    await addRun("b4", "backfill", 4, { work: ["up_for_retry"] });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("none before the first run", async () => {
    expect(await read(1, false)).toBeNull();
    expect(await read(1, true)).toBeNull();
  });

  it("the latest earlier run of any type; with catchup, the latest earlier non-manual one", async () => {
    expect((await read(4, false))?.logicalDate).toEqual(day(3));
    expect((await read(4, true))?.logicalDate).toEqual(day(2));
    expect((await read(5, true))?.logicalDate).toEqual(day(4));
    expect(await read(2, true)).toBeNull();
  });

  it("counts every map index; no state, running, removed and up_for_retry are all unsuccessful", async () => {
    const counts = async (d: number, scheduledOnly: boolean) => Object.fromEntries((await read(d, scheduledOnly))!.tis);
    expect(await counts(4, false)).toEqual({ work: { total: 2, unsuccessful: 1 }, down: { total: 1, unsuccessful: 0 } });
    expect(await counts(4, true)).toEqual({ work: { total: 3, unsuccessful: 1 }, down: { total: 1, unsuccessful: 1 } });
    expect(await counts(5, false)).toEqual({ work: { total: 1, unsuccessful: 1 } });
  });

  it("for a task absent from the previous run, says whether it ever ran before", async () => {
    expect([...(await read(4, false, ["late", "down", "never"]))!.ranBefore]).toEqual(["late"]);
    // In the previous run already: nothing to look up.
    expect([...(await read(2, false, ["late"]))!.ranBefore]).toEqual([]);
  });
});

it("`dags test` runs a depends_on_past task: its run has no earlier run to compare with, as on a fresh Airflow database", async () => {
  const bag = await DagBag.load(fixtures);
  const result = await runDagInProcess(bag.getDag("dop_chain"), { logicalDate: "2024-01-05" });
  expect(result.state).toBe("success");
});
