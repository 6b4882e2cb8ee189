import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import type { Database } from "../core/store/database.ts";
import { runIdFor } from "../core/timetables/index.ts";
import { createDueRuns } from "../scheduler/create-runs.ts";
import { DagCache } from "../scheduler/dag-cache.ts";
import { refreshNextDagrun } from "../scheduler/next-dagrun.ts";
import { REPO_ROOT } from "./helpers/cli.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { storeDags } from "./helpers/store-dags.ts";

const DAY_MS = 86_400_000;

interface RunRow {
  dag_id: string;
  run_id: string;
  run_type: string;
  state: string;
  data_interval_start: Date;
  data_interval_end: Date;
}

async function scheduledRuns(db: Database, dagIds: string[]): Promise<Record<string, RunRow[]>> {
  const { rows } = await db.query<RunRow>(
    `SELECT dag_id, run_id, run_type, state, data_interval_start, data_interval_end FROM dag_run
      WHERE dag_id = ANY($1::text[]) ORDER BY dag_id, logical_date`,
    [dagIds],
  );
  return Object.fromEntries(dagIds.map((id) => [id, rows.filter((r) => r.dag_id === id)]));
}

describeEachBackend("catchup: the runs the scheduler creates for dags/phase2/01_scheduled_dag.ts, at 2024-01-05 12:30 UTC", (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("catchup on: every interval since start_date; catchup off: only the latest complete interval", async () => {
    const bag = new DagBag(join(REPO_ROOT, "dags"));
    await bag.loadFile(join(REPO_ROOT, "dags", "phase2", "01_scheduled_dag.ts"));
    const dags = [...bag.dags.values()];
    expect(dags.map((d) => d.dagId).sort()).toEqual(["phase2_01_scheduled_dag", "phase2_01_scheduled_dag_cron", "phase2_01_scheduled_dag_hourly"]);
    await storeDags(db, dags);

    // The scheduler's own steps at a fixed instant: next_dagrun of each DAG it sees, then "create runs" until nothing is due.
    const now = new Date("2024-01-05T12:30:00Z");
    const cache = new DagCache();
    for (const dag of dags) {
      const stored = await cache.get(db, dag.dagId);
      await db.transaction((tx) => refreshNextDagrun(tx, stored!.data, now));
    }
    for (let pass = 0; pass < 50 && (await createDueRuns(db, cache, now)) > 0; pass++);

    const runs = await scheduledRuns(db, dags.map((d) => d.dagId));
    const intervals = (id: string) => runs[id].map((r) => [r.run_id, r.data_interval_start.toISOString(), r.data_interval_end.toISOString()]);
    // @daily from 2024-01-01, catchup on: the four whole days before now, oldest first.
    expect(intervals("phase2_01_scheduled_dag")).toEqual([1, 2, 3, 4].map((d) => [
      `scheduled__2024-01-0${d}T00:00:00+00:00`, `2024-01-0${d}T00:00:00.000Z`, `2024-01-0${d + 1}T00:00:00.000Z`,
    ]));
    // @hourly from 2024-01-01, catchup off: of the ~100 hours since, only the last complete one.
    expect(intervals("phase2_01_scheduled_dag_hourly")).toEqual([
      ["scheduled__2024-01-05T11:00:00+00:00", "2024-01-05T11:00:00.000Z", "2024-01-05T12:00:00.000Z"],
    ]);
    // 06:30 on weekdays in Amsterdam (05:30 UTC in winter), catchup off: Thursday's interval, which ended Friday 06:30.
    expect(intervals("phase2_01_scheduled_dag_cron")).toEqual([
      ["scheduled__2024-01-04T05:30:00+00:00", "2024-01-04T05:30:00.000Z", "2024-01-05T05:30:00.000Z"],
    ]);
    for (const run of Object.values(runs).flat()) expect([run.run_type, run.state]).toEqual(["scheduled", "queued"]);
  });
});

describeEachBackend("catchup through the running scheduler (phase2_01's daily DAG copied with a start three days ago)", (backend) => {
  let db: Database;
  let harness: Harness;
  let bag: DagBag;

  beforeAll(async () => {
    db = await backend.open();
    bag = await DagBag.load(join(import.meta.dirname, "fixtures", "scheduler-catchup"));
    expect(bag.importErrors).toEqual([]);
    harness = await startHarness(db, [...bag.dags.values()]);
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  it("runs every missed day with catchup, and only yesterday without", async () => {
    const start = bag.getDag("recent_daily_catchup").startDate!;
    /** Scheduled run ids due by `now`: one per whole day since the start date. */
    const dueBy = (now: number) => {
      const ids: string[] = [];
      for (let day = start.getTime(); day + DAY_MS <= now; day += DAY_MS) ids.push(runIdFor("scheduled", new Date(day)));
      return ids;
    };
    // Awaited rather than read once, so that a test running across midnight UTC expects the day that has just ended too.
    const deadline = Date.now() + 60_000;
    let runs: Record<string, RunRow[]> = {};
    let expected: Record<string, string[]> = {};
    for (;;) {
      runs = await scheduledRuns(db, ["recent_daily_catchup", "recent_daily_no_catchup"]);
      const due = dueBy(Date.now());
      expected = { recent_daily_catchup: due, recent_daily_no_catchup: due.slice(-1) };
      const ids = Object.fromEntries(Object.entries(runs).map(([id, rs]) => [id, rs.map((r) => r.run_id)]));
      const finished = Object.values(runs).flat().every((r) => r.state === "success");
      if (finished && JSON.stringify(ids) === JSON.stringify(expected)) break;
      if (Date.now() > deadline) {
        expect({ ids, states: Object.values(runs).flat().map((r) => r.state) }, harness.logs.join("\n")).toEqual({ ids: expected, states: "all success" });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(expected.recent_daily_catchup).toHaveLength(3);
    for (const run of Object.values(runs).flat()) {
      expect(run.run_type).toBe("scheduled");
      expect(run.data_interval_end.getTime() - run.data_interval_start.getTime()).toBe(DAY_MS);
    }
    expect(await harness.states("recent_daily_no_catchup", expected.recent_daily_no_catchup[0])).toEqual({ report_interval: "success" });
  });
});
