import { Gauge } from "prom-client";
import type { Queryable } from "../core/store/database.ts";
import { listPoolUsage } from "../core/store/queries/pool-slots.ts";
import type { Executor } from "../executor/executor.ts";
import { poolJson } from "../webserver/api/resource-serializers.ts";
import { registry } from "./metrics.ts";

/**
 * Gauges read when Prometheus scrapes, not kept up to date by the hot paths: the executor's slots from the executor
 * this process runs, pool slots and import errors from the database (two queries per scrape, none per event).
 * A database that is down leaves the database gauges out of the scrape rather than failing it.
 */
let executor: Executor | null = null;
let database: Queryable | null = null;

export function observeExecutor(e: Executor): void {
  executor = e;
}

export function observeDatabase(db: Queryable): void {
  database = db;
}

const executorGauge = (name: string, help: string, pick: (s: { queued: number; running: number; openSlots: number }) => number) =>
  new Gauge({
    name, help, registers: [registry],
    collect() {
      this.reset();
      const stats = executor?.stats?.();
      if (stats) this.set(pick(stats));
    },
  });

executorGauge("airflow_executor_open_slots", "Slots the executor can still fill (Airflow executor.open_slots).", (s) => s.openSlots);
executorGauge("airflow_executor_queued_tasks", "Tries the executor holds but has not started on a runner (Airflow executor.queued_tasks).", (s) => s.queued);
executorGauge("airflow_executor_running_tasks", "Tries running on the executor's runners (Airflow executor.running_tasks).", (s) => s.running);

let poolScrape: Promise<ReturnType<typeof poolJson>[] | null> | null = null;
/** One pool query serves the three pool gauges of a scrape. */
function pools(): Promise<ReturnType<typeof poolJson>[] | null> {
  if (!database) return Promise.resolve(null);
  poolScrape ??= listPoolUsage(database, "ORDER BY p.pool", 10_000, 0)
    .then((page) => page.pools.map(poolJson), () => null)
    .finally(() => setImmediate(() => (poolScrape = null)));
  return poolScrape;
}

const poolGauge = (name: string, help: string, pick: (p: ReturnType<typeof poolJson>) => number) =>
  new Gauge({
    name, help, labelNames: ["pool_name"], registers: [registry],
    async collect() {
      this.reset();
      for (const pool of (await pools()) ?? []) this.set({ pool_name: pool.name }, pick(pool));
    },
  });

poolGauge("airflow_pool_open_slots", "Open slots of the pool; -1 for an unlimited pool (Airflow pool.open_slots.<pool_name>).", (p) => p.open_slots);
poolGauge("airflow_pool_queued_slots", "Slots taken by queued task instances (Airflow pool.queued_slots.<pool_name>).", (p) => p.queued_slots);
poolGauge("airflow_pool_running_slots", "Slots taken by running task instances (Airflow pool.running_slots.<pool_name>).", (p) => p.running_slots);
poolGauge("airflow_pool_scheduled_slots", "Slots wanted by scheduled task instances (Airflow pool.scheduled_slots.<pool_name>).", (p) => p.scheduled_slots);

new Gauge({
  name: "airflow_dag_processing_import_errors", help: "DAG files that failed to import (Airflow dag_processing.import_errors).", registers: [registry],
  async collect() {
    this.reset();
    if (!database) return;
    const rows = await database.query<{ n: number }>("SELECT count(*)::int AS n FROM import_error").then((r) => r.rows, () => null);
    if (rows) this.set(rows[0].n);
  },
});
