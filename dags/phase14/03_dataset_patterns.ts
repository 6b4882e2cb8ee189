/**
 * phase14_03_dataset_patterns — combining datasets, and datasets with time.
 *
 * Shows:
 * - `allOf(a, b)` (Airflow's `a & b`): run once both were updated since the last run (a plain list means the same);
 * - `anyOf(a, b)` (Airflow's `a | b`): run as soon as either was;
 * - nesting: `allOf(orders, anyOf(customers, rates))`;
 * - `DatasetOrTimeSchedule`: a nightly run whatever happens, plus a run whenever the rates change.
 */
import { allOf, anyOf, BashOperator, CronTriggerTimetable, dag, DatasetOrTimeSchedule } from "updraft";
import { customers, dailyOrders, exchangeRates } from "./lib/datasets.ts";

const echo = (taskId: string, what: string) => new BashOperator({ taskId, bashCommand: `echo "${what} (run {{ run_id }})"` });

export const whenBoth = dag(
  { dagId: "phase14_03_dataset_patterns", description: "Joins orders with customers once both are fresh", schedule: allOf(dailyOrders, customers), startDate: "2024-01-01", tags: ["phase14", "datasets"] },
  () => {
    echo("join_orders_customers", "orders and customers are both fresh");
  },
);

export const whenEither = dag(
  { dagId: "phase14_03_dataset_patterns_any", description: "Refreshes the cache when any input changes", schedule: anyOf(dailyOrders, customers, exchangeRates), startDate: "2024-01-01", tags: ["phase14", "datasets"] },
  () => {
    echo("refresh_cache", "an input changed");
  },
);

export const nested = dag(
  { dagId: "phase14_03_dataset_patterns_nested", description: "Orders plus any reference data", schedule: allOf(dailyOrders, anyOf(customers, exchangeRates)), startDate: "2024-01-01", tags: ["phase14", "datasets"] },
  () => {
    echo("enrich_orders", "orders and some reference data changed");
  },
);

export const nightlyOrOnRates = dag(
  {
    dagId: "phase14_03_dataset_patterns_or_time",
    description: "Nightly at 02:00, and whenever the exchange rates change",
    schedule: new DatasetOrTimeSchedule(new CronTriggerTimetable("0 2 * * *", { timezone: "UTC" }), exchangeRates),
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase14", "datasets"],
  },
  () => {
    echo("reprice", "repricing");
  },
);
