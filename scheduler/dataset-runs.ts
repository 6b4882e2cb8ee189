import { createDagRun } from "../core/runs/create-dag-run.ts";
import { consumedDatasetEvents } from "../core/store/queries/dataset-events.ts";
import type { Database, Queryable } from "../core/store/database.ts";
import { conditionHolds, conditionUris, storedCondition } from "../core/timetables/dataset-triggered.ts";
import type { DagCache } from "./dag-cache.ts";

interface QueueRow {
  dag_id: string;
  dag_hash: string;
  uri: string;
  created_at: Date;
}

/**
 * Airflow's dataset-triggered runs (AIRFLOW_SEMANTICS.md §7): a DAG scheduled on datasets whose condition holds over
 * its queued dataset updates, and is under max_active_runs, gets one run — logical date the latest queued update, run
 * id `dataset_triggered__…`, data interval spanning the consumed events' source runs — and its whole queue is cleared,
 * so several updates before the scheduler notices make one run. Queue rows are locked with SKIP LOCKED: two schedulers
 * never make the same run. Returns how many runs were created.
 */
export async function createDatasetTriggeredRuns(db: Database, cache: DagCache): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<QueueRow>(
      `SELECT q.target_dag_id AS dag_id, d.dag_hash, ds.uri, q.created_at
         FROM dataset_dag_run_queue q JOIN dataset ds ON ds.id = q.dataset_id JOIN dag d ON d.dag_id = q.target_dag_id
        WHERE d.is_active AND NOT d.is_paused AND NOT d.has_import_errors AND d.dag_hash IS NOT NULL
        FOR UPDATE OF q SKIP LOCKED`,
    );
    const byDag = new Map<string, QueueRow[]>();
    for (const row of rows) byDag.set(row.dag_id, [...(byDag.get(row.dag_id) ?? []), row]);
    let created = 0;
    for (const [dagId, queued] of byDag) {
      const stored = await cache.get(tx, dagId, queued[0].dag_hash);
      const condition = stored && storedCondition(stored.data.timetable);
      if (!stored || !condition) {
        // No longer scheduled on datasets: what was queued for it will never make a run.
        await tx.query("DELETE FROM dataset_dag_run_queue WHERE target_dag_id = $1", [dagId]);
        continue;
      }
      if (!conditionHolds(condition, new Set(queued.map((q) => q.uri)))) continue;
      const { rows: active } = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM dag_run WHERE dag_id = $1 AND state IN ('queued', 'running')", [dagId]);
      if (active[0].n >= stored.data.max_active_runs) continue;
      const logicalDate = new Date(Math.max(...queued.map((q) => q.created_at.getTime())));
      const interval = await consumedInterval(tx, dagId, conditionUris(condition), logicalDate);
      const run = await createDagRun(tx, stored.data, stored.dagHash, {
        runType: "dataset_triggered",
        logicalDate,
        dataIntervalStart: interval?.start ?? logicalDate,
        dataIntervalEnd: interval?.end ?? logicalDate,
        externalTrigger: false,
      });
      await tx.query("DELETE FROM dataset_dag_run_queue WHERE target_dag_id = $1", [dagId]);
      if (run) created++;
    }
    return created;
  });
}

/** The span of the events a new run consumes: from the earliest source run's data interval start (or event time) to the latest end. */
async function consumedInterval(tx: Queryable, dagId: string, uris: string[], logicalDate: Date): Promise<{ start: Date; end: Date } | null> {
  const events = await consumedDatasetEvents(tx, dagId, uris, logicalDate);
  if (!events.length) return null;
  const starts = events.map((e) => (e.source_interval_start ?? e.timestamp).getTime());
  const ends = events.map((e) => (e.source_interval_end ?? e.timestamp).getTime());
  return { start: new Date(Math.min(...starts)), end: new Date(Math.max(...ends)) };
}
