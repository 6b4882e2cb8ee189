/**
 * phase14_01_dataset_producer — data-aware scheduling, the producing side.
 *
 * Shows: tasks that declare the datasets they write (`outlets`). When such a task succeeds, Updraft records a dataset
 * event for each outlet and queues a run of every DAG scheduled on it (phase14_02, phase14_03) — a failed or skipped
 * task records nothing. No dependency between the DAGs is written anywhere else.
 */
import { dag, task } from "updraft";
import { customers, dailyOrders } from "./lib/datasets.ts";

const extractOrders = task(async function extractOrders() {
  return [{ id: 1, amount: 120 }, { id: 2, amount: 80 }];
});

const publishOrders = task({ outlets: [dailyOrders] }, async function publishOrders(orders: Array<{ id: number; amount: number }>) {
  return { rows: orders.length, total: orders.reduce((sum, o) => sum + o.amount, 0) };
});

const refreshCustomers = task({ outlets: [customers] }, async function refreshCustomers() {
  return { rows: 2 };
});

export default dag(
  {
    dagId: "phase14_01_dataset_producer",
    description: "Publishes the daily orders and customers datasets",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase14", "datasets"],
  },
  () => {
    publishOrders(extractOrders());
    refreshCustomers();
  },
);
