/**
 * phase5_02_pools_priority — sharing a scarce resource.
 *
 * A partner API accepts two calls at a time. Shows:
 * - a pool, `partner_api` with 2 slots: however many runners are free, tasks in the pool never use more than 2 slots
 *   at once (queued and running tries count, as in Airflow). Pools live in the metadata database; create this one
 *   before the scheduler runs the DAG: `updraft pools set partner_api 2 "Partner API: 2 concurrent calls"` (Airflow:
 *   `airflow pools set`). A task whose pool does not exist stays `scheduled`, as in Airflow. `updraft dags test`
 *   runs tasks one after another and does not use pools.
 * - `poolSlots`: `export_catalog` is a bulk call that counts for both slots, so it runs alone in the pool.
 * - `priorityWeight` and `weightRule`: when the pool is full, the scheduler queues the highest weight first —
 *   orders (10), customers (5), products (3), then reviews and the export (1). The fetches use `weightRule:
 *   "absolute"` so their weight is exactly what is written; with the default, `"downstream"`, each would also add the
 *   weights of every task downstream of it (here `build_report`'s 1), and with `"upstream"` those upstream of it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { dag, getCurrentContext, task } from "updraft";

/** One call to the partner API (simulated: 0.4 s, then how many records it returned). */
async function callPartnerApi(endpoint: string): Promise<number> {
  const { log, signal } = getCurrentContext();
  log.info(`GET https://partner.example.com/v1/${endpoint}`);
  await sleep(400, undefined, { signal });
  return endpoint.length * 100;
}

const fetchFrom = (endpoint: string, priorityWeight: number) =>
  task({ taskId: `fetch_${endpoint}`, priorityWeight }, () => callPartnerApi(endpoint));

const buildReport = task(async function build_report(): Promise<string> {
  const { ti } = getCurrentContext();
  const counts = (await ti.xcomPull<number[]>({ taskIds: ["fetch_orders", "fetch_customers", "fetch_products", "fetch_reviews"] })) ?? [];
  return `Report built from ${counts.reduce((a, b) => a + b, 0)} records`;
});

export default dag(
  {
    dagId: "phase5_02_pools_priority",
    description: "A pool of 2 slots shared by API calls; pool slots, priority weights and weight rules",
    schedule: null,
    startDate: "2024-01-01",
    defaultArgs: { pool: "partner_api", weightRule: "absolute" },
    tags: ["phase5", "pools"],
  },
  () => {
    const fetches = [fetchFrom("orders", 10)(), fetchFrom("customers", 5)(), fetchFrom("products", 3)(), fetchFrom("reviews", 1)()];
    const exportCatalog = task({ taskId: "export_catalog", priorityWeight: 1, poolSlots: 2 }, () => callPartnerApi("catalog/export"))();
    // build_report calls no API: it runs in default_pool.
    const report = buildReport.override({ pool: "default_pool" })();
    for (const upstream of [...fetches, exportCatalog]) upstream.then(report);
  },
);
