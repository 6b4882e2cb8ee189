import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag, getCurrentContext, task } from "updraft";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import { pullXCom, pushXCom } from "../core/store/queries/xcom.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { runDag } from "./helpers/run.ts";
import { storeDags } from "./helpers/store-dags.ts";
import { XCOM_PULL_CASES } from "./helpers/xcom-pull-cases.ts";

const a = task(async function a() {
  await getCurrentContext().ti.xcomPush("k", "ka");
  return 1;
});
const b = task(async function b() {
  return 2;
});
const m = task(async function m({ x }: { x: number }) {
  return x === 20 ? null : x;
});

const pulled: Record<string, unknown> = {};
const puller = task(async function puller() {
  for (const c of XCOM_PULL_CASES) pulled[c.name] = await getCurrentContext().ti.xcomPull(c.args);
});
const pullTable = () =>
  dag({ dagId: "xcom_pull_table", schedule: null }, () => {
    const p = puller();
    [a(), b(), m.expand({ x: [10, 20, 30] })].forEach((upstream) => upstream.then(p));
  });

describe("ti.xcomPull in `updraft dags test`, as Airflow's xcom_pull", async () => {
  const run = await runDag(pullTable());

  it("the producing run succeeds", () => expect(run.states.puller).toBe("success"));
  for (const c of XCOM_PULL_CASES) {
    it(c.name, () => expect(pulled[c.name]).toEqual(c.expected));
  }
});

describeEachBackend("XCom pulls through the execution API's store, same table", (backend) => {
  let db: Database;
  let caller: TiKey;

  beforeAll(async () => {
    db = await backend.open();
    await storeDags(db, [pullTable()]);
    const run = await triggerDagRun(db, "xcom_pull_table", { logicalDate: new Date("2024-01-03T00:00:00Z") });
    const ti = (taskId: string, mapIndex = -1): TiKey => ({ dagId: "xcom_pull_table", runId: run.run_id, taskId, mapIndex });
    await pushXCom(db, ti("a"), "return_value", 1);
    await pushXCom(db, ti("a"), "k", "ka");
    await pushXCom(db, ti("b"), "return_value", 2);
    await pushXCom(db, ti("m", 0), "return_value", 10);
    await pushXCom(db, ti("m", 2), "return_value", 30);
    caller = ti("puller");
  });
  afterAll(async () => {
    await db?.close();
  });

  for (const c of XCOM_PULL_CASES) {
    it(c.name, async () => expect(await pullXCom(db, caller, c.args)).toEqual(c.expected));
  }
});
