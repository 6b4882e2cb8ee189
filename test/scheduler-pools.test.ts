import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { setPool } from "../core/store/queries/pools.ts";
import { REPO_ROOT } from "./helpers/cli.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";

const DAG_ID = "phase5_02_pools_priority";
const POOL = "partner_api";
const POOL_SLOTS = 2;

interface PoolTi {
  task_id: string;
  pool_slots: number;
  priority_weight: number;
  queued_dttm: Date;
  end_date: Date;
}

/** The most slots the TIs held at any one time: each holds its pool_slots from queued until it ended, as the scheduler counts. */
function peakSlots(tis: PoolTi[]): number {
  const events = tis.flatMap((ti) => [
    { at: ti.queued_dttm.getTime(), delta: ti.pool_slots },
    { at: ti.end_date.getTime(), delta: -ti.pool_slots },
  ]);
  // At one instant, releases count before acquisitions: a slot freed by a finished try may be taken at once.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let held = 0;
  let peak = 0;
  for (const event of events) peak = Math.max(peak, (held += event.delta));
  return peak;
}

describeEachBackend("pools and priority weights under the scheduler (phase5_02_pools_priority)", (backend) => {
  let db: Database;
  let harness: Harness;

  beforeAll(async () => {
    db = await backend.open();
    const bag = new DagBag(join(REPO_ROOT, "dags"));
    await bag.loadFile(join(REPO_ROOT, "dags", "phase5", "02_pools_priority.ts"));
    expect(bag.importErrors).toEqual([]);
    // Twice as many runners as the pool has slots: only the pool can keep the API calls to two at a time.
    harness = await startHarness(db, [bag.getDag(DAG_ID)], { parallelism: 4 });
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  it("never holds more slots than the pool has, and queues the highest priority first when it is full", async () => {
    await setPool(db, POOL, POOL_SLOTS, "Partner API: 2 concurrent calls");
    const run = await triggerDagRun(db, DAG_ID, { logicalDate: new Date("2024-01-03T00:00:00Z") });
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun(DAG_ID, run.run_id)).toBe("success");

    const { rows } = await db.query<PoolTi>(
      "SELECT task_id, pool_slots, priority_weight, queued_dttm, end_date FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND pool = $3",
      [DAG_ID, run.run_id, POOL],
    );
    expect(rows.map((r) => r.task_id).sort()).toEqual(["export_catalog", "fetch_customers", "fetch_orders", "fetch_products", "fetch_reviews"]);
    // The pool was full at some point (so it was contended), and never over-full.
    expect(peakSlots(rows)).toBe(POOL_SLOTS);

    const weight = Object.fromEntries(rows.map((r) => [r.task_id, r.priority_weight]));
    expect(weight).toEqual({ fetch_orders: 10, fetch_customers: 5, fetch_products: 3, fetch_reviews: 1, export_catalog: 1 });
    // All five were ready at once; a TI was never queued after one of lower weight (ties may go either way).
    for (const a of rows) {
      for (const b of rows) {
        if (a.priority_weight > b.priority_weight) expect(a.queued_dttm.getTime(), `${a.task_id} before ${b.task_id}`).toBeLessThanOrEqual(b.queued_dttm.getTime());
      }
    }
    // The export needs both slots, so it ran alone in the pool.
    const exportTi = rows.find((r) => r.task_id === "export_catalog")!;
    for (const other of rows.filter((r) => r !== exportTi)) {
      const overlaps = other.queued_dttm < exportTi.end_date && exportTi.queued_dttm < other.end_date;
      expect(overlaps, `${other.task_id} overlapped export_catalog`).toBe(false);
    }
  });
});
