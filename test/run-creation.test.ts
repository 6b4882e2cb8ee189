import { afterEach, beforeEach, expect, it } from "vitest";
import { EmptyOperator, dag } from "updraft";
import { createDagRun } from "../core/runs/create-dag-run.ts";
import { dagVersionHash, serializeDag } from "../core/serialization.ts";
import type { Database } from "../core/store/database.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { storeDags } from "./helpers/store-dags.ts";

// Airflow's verify_integrity: a task whose own start/end dates leave out the run's logical date gets no TI in that
// run — except in a backfill run, which ignores those bounds.
const pipeline = dag({ dagId: "task_bounds", schedule: "@daily", startDate: "2024-01-01" }, () => {
  new EmptyOperator({ taskId: "always" });
  new EmptyOperator({ taskId: "added_later", startDate: "2024-03-01" });
  new EmptyOperator({ taskId: "retired", endDate: "2024-01-15" });
});

describeEachBackend("the task instances a new run gets", (backend) => {
  let db: Database;
  beforeEach(async () => {
    db = await backend.open();
    await storeDags(db, [pipeline]);
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  const tasksOf = async (runId: string) =>
    (await db.query<{ task_id: string }>("SELECT task_id FROM task_instance WHERE run_id = $1 ORDER BY task_id", [runId])).rows.map((r) => r.task_id);

  for (const [runType, expected] of [
    ["scheduled", ["always"]],
    ["manual", ["always"]],
    ["backfill", ["added_later", "always", "retired"]],
  ] as const) {
    it(`a ${runType} run for 2024-02-01 gets ${expected.join(", ")}`, async () => {
      const serialized = serializeDag(pipeline);
      const logicalDate = new Date("2024-02-01T00:00:00Z");
      const run = await db.transaction((tx) =>
        createDagRun(tx, serialized, dagVersionHash(serialized), {
          runType, logicalDate, dataIntervalStart: logicalDate, dataIntervalEnd: new Date("2024-02-02T00:00:00Z"), externalTrigger: runType === "manual",
        }),
      );
      expect(await tasksOf(run!.run_id)).toEqual(expected);
    });
  }
});
