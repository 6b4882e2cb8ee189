/**
 * phase2_02_taskflow_api — the TaskFlow API.
 *
 * Shows: tasks made from async functions with `task()`; calling a task with another task's output wires the
 * dependency and passes the value through XCom; the types flow too — `transform` takes `Order[]`, so passing it
 * anything else fails `npm run typecheck`. `multipleOutputs` pushes each key of the result separately.
 */
import { dag, getCurrentContext, task } from "updraft";

interface Order {
  id: number;
  amount: number;
  country: string;
}

const extract = task(async function extract(): Promise<Order[]> {
  return [
    { id: 1, amount: 120.5, country: "NL" },
    { id: 2, amount: 80, country: "DE" },
    { id: 3, amount: 42.25, country: "NL" },
  ];
});

const transform = task({ multipleOutputs: true }, async function transform(orders: Order[]) {
  const total = orders.reduce((sum, order) => sum + order.amount, 0);
  const byCountry: Record<string, number> = {};
  for (const order of orders) byCountry[order.country] = (byCountry[order.country] ?? 0) + order.amount;
  return { total, byCountry, count: orders.length };
});

const load = task(async function load(total: number, count: number): Promise<string> {
  const line = `Loaded ${count} orders worth ${total.toFixed(2)}`;
  getCurrentContext().log.info(line);
  return line;
});

export default dag(
  {
    dagId: "phase2_02_taskflow_api",
    description: "Extract → transform → load with typed TaskFlow tasks",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase2", "taskflow"],
  },
  () => {
    const summary = transform(extract());
    load(summary.get("total"), summary.get("count"));
  },
);
