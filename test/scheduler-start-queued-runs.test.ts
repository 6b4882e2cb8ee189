import { afterEach, beforeEach, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { startQueuedRuns } from "../core/store/queries/dag-runs.ts";
import { BACKENDS, describePostgres } from "./helpers/databases.ts";

const insertRun = (db: Database, runId: string, day: number) =>
  db.query("INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date) VALUES ('one_at_a_time', $1, 'manual', 'queued', $2)", [
    runId, new Date(Date.UTC(2024, 0, day)),
  ]);

// Two schedulers start queued runs at the same moment (HA on PostgreSQL; PGlite runs one transaction at a time):
// max_active_runs must hold across both.
describePostgres("starting queued runs from two schedulers at once", () => {
  let db: Database;
  beforeEach(async () => {
    db = await BACKENDS.find((b) => b.name === "postgres")!.open();
    await db.exec("INSERT INTO dag (dag_id, fileloc, is_paused, max_active_runs) VALUES ('one_at_a_time', 'f.ts', false, 1)");
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  it("starts one run of a DAG allowed one, even when a run is triggered while the other scheduler is starting one", async () => {
    await insertRun(db, "r1", 1);
    let aStarted!: (runs: string[]) => void;
    const startedByA = new Promise<string[]>((resolve) => (aStarted = resolve));
    let releaseA!: () => void;
    const aMayCommit = new Promise<void>((resolve) => (releaseA = resolve));
    // Scheduler A starts r1 and has not committed yet…
    const a = db.transaction(async (tx) => {
      const runs = (await startQueuedRuns(tx, 50)).map((r) => r.run_id);
      aStarted(runs);
      await aMayCommit;
      return runs;
    });
    expect(await startedByA).toEqual(["r1"]);
    // …a user triggers r2 (A never saw it)…
    await insertRun(db, "r2", 2);
    // …and scheduler B looks: it must not start r2 on a count that misses A's uncommitted r1.
    const b = db.transaction(async (tx) => (await startQueuedRuns(tx, 50)).map((r) => r.run_id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    releaseA();
    expect(await a).toEqual(["r1"]);
    expect(await b).toEqual([]);
    const { rows } = await db.query<{ run_id: string; state: string }>("SELECT run_id, state FROM dag_run ORDER BY run_id");
    expect(rows).toEqual([{ run_id: "r1", state: "running" }, { run_id: "r2", state: "queued" }]);
  });
});
