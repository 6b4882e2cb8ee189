/**
 * phase11_01_dag_testing — DAGs that are easy to test.
 *
 * Shows the testable pattern: business logic lives in plain functions (`lib/pricing.ts`) with unit tests; the DAG
 * only wires them into tasks. `test/example-phase11-dag-testing.test.ts` shows the three kinds of DAG tests:
 * integrity (every DAG file loads, no cycles, required tags), unit tests of the logic, and a full in-process run
 * asserting each task's final state.
 */
import { dag, task, FailTask } from "updraft";
import { orderTotal, validateItems, type LineItem } from "./lib/pricing.ts";

const loadItems = task(async function load_items(): Promise<LineItem[]> {
  return [
    { sku: "A-1", quantity: 2, unitPrice: 9.99 },
    { sku: "B-7", quantity: 1, unitPrice: 24.5 },
  ];
});

const validate = task(async function validate(items: LineItem[]): Promise<LineItem[]> {
  const problems = validateItems(items);
  if (problems.length) throw new FailTask(`Invalid line items: ${problems.join("; ")}`);
  return items;
});

const price = task(async function price(items: LineItem[]): Promise<number> {
  return orderTotal(items, 0.1);
});

export default dag(
  {
    dagId: "phase11_01_dag_testing",
    description: "Testable DAG: logic in plain functions, unit-tested; the DAG only wires tasks",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase11", "testing"],
    defaultArgs: { owner: "data-platform" },
  },
  () => {
    price(validate(loadItems()));
  },
);
