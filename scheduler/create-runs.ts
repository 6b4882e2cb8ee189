import type { Database } from "../core/store/database.ts";
import { createDagRun } from "../core/runs/create-dag-run.ts";
import type { DagCache } from "./dag-cache.ts";
import { refreshNextDagrun } from "./next-dagrun.ts";

/**
 * Airflow's "create runs" step: DAGs that are unpaused, active, free of import errors and due
 * (`next_dagrun_create_after <= now`) get their next scheduled run; rows are locked with SKIP LOCKED so two
 * schedulers never create the same run. Returns how many runs were created.
 */
export async function createDueRuns(db: Database, cache: DagCache, now: Date, limit = 10): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ dag_id: string; dag_hash: string; next_dagrun: Date; next_dagrun_data_interval_start: Date; next_dagrun_data_interval_end: Date }>(
      `SELECT dag_id, dag_hash, next_dagrun, next_dagrun_data_interval_start, next_dagrun_data_interval_end FROM dag
        WHERE is_active AND NOT is_paused AND NOT has_import_errors AND next_dagrun_create_after <= $1
        ORDER BY next_dagrun_create_after LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    let created = 0;
    for (const due of rows) {
      const stored = await cache.get(tx, due.dag_id, due.dag_hash);
      if (!stored) continue;
      const run = await createDagRun(tx, stored.data, stored.dagHash, {
        runType: "scheduled",
        logicalDate: due.next_dagrun,
        dataIntervalStart: due.next_dagrun_data_interval_start,
        dataIntervalEnd: due.next_dagrun_data_interval_end,
        externalTrigger: false,
      });
      if (run) created++;
      await refreshNextDagrun(tx, stored.data, now);
    }
    return created;
  });
}
