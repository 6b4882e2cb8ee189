/**
 * phase14_02_dataset_consumer — data-aware scheduling, the consuming side.
 *
 * Shows: `schedule: [dataset]` — no cron: the DAG runs when `s3://warehouse/orders/daily` is updated (by
 * phase14_01's `publishOrders`). Its run is `dataset_triggered__…`, its data interval spans the producing runs', and its
 * tasks see which events triggered it (`triggeringDatasetEvents`, `{{ triggering_dataset_events }}` in templates).
 * Several updates before the scheduler notices make one run.
 */
import { BashOperator, dag, getCurrentContext, task } from "updraft";
import { dailyOrders } from "./lib/datasets.ts";

const whatTriggeredMe = task(async function whatTriggeredMe() {
  const { triggeringDatasetEvents, dagRun } = getCurrentContext();
  const sources = Object.values(triggeringDatasetEvents).flat().map((e) => `${e.sourceDagId}.${e.sourceTaskId} (${e.sourceRunId})`);
  return { runType: dagRun.runType, sources };
});

export default dag(
  {
    dagId: "phase14_02_dataset_consumer",
    description: "Builds the sales report whenever the daily orders are published",
    schedule: [dailyOrders],
    startDate: "2024-01-01",
    tags: ["phase14", "datasets"],
  },
  () => {
    whatTriggeredMe().then(
      new BashOperator({ taskId: "build_report", bashCommand: 'echo "report for {{ data_interval_start }} → {{ data_interval_end }}"' }),
    );
  },
);
