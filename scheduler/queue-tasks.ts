import type { Queryable } from "../core/store/database.ts";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { DagCache } from "./dag-cache.ts";

export interface QueuedTi {
  key: TiKey;
  tryNumber: number;
  fileloc: string;
  queue: string;
  priorityWeight: number;
}

interface Candidate {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  try_number: number;
  pool: string;
  pool_slots: number;
  queue: string;
  priority_weight: number;
  fileloc: string;
  dag_hash: string;
  max_active_tasks: number;
}

/**
 * Airflow's critical section: `scheduled` TIs of running runs of unpaused DAGs (and backfill runs of any DAG: Airflow's
 * backfill ignores is_paused), highest priority first, become
 * `queued` while their pool has open slots, their DAG is under max_active_tasks, their task under
 * max_active_tis_per_dag(run), and the executor has room. The pool rows are locked for the whole section, so two
 * schedulers queue one after the other and never over-fill a pool. The candidates are only read: the UPDATE that
 * queues them is guarded on `scheduled` and returns what it queued, which alone goes to the executor. (Locking every
 * candidate row as well cost the embedded database a heap write and a WAL record per row and pass: 10+ ms a pass
 * with 100 runs in flight, dev machine, 2026-12-02.)
 *
 * It runs inside the caller's transaction (the scheduler's scheduling transaction when that scheduled TIs: one commit
 * per hop instead of two). Hand the result to the executor only once that transaction has committed.
 */
export async function queueScheduledTasks(tx: Queryable, cache: DagCache, jobId: number, maxToQueue: number): Promise<QueuedTi[]> {
  if (maxToQueue <= 0) return [];
  const pools = new Map(
    (await tx.query<{ pool: string; slots: number }>("SELECT pool, slots FROM slot_pool ORDER BY pool FOR UPDATE")).rows.map((r) => [r.pool, r.slots]),
  );
  const occupied = await tx.query<{ pool: string; dag_id: string; task_id: string; run_id: string; slots: number; n: number }>(
    `SELECT pool, dag_id, task_id, run_id, sum(pool_slots)::int AS slots, count(*)::int AS n FROM task_instance
      WHERE state IN ('queued', 'running') GROUP BY pool, dag_id, task_id, run_id`,
  );
  const poolUsed = new Map<string, number>();
  const dagActive = new Map<string, number>();
  const taskActive = new Map<string, number>();
  const taskRunActive = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string, by: number) => map.set(key, (map.get(key) ?? 0) + by);
  for (const row of occupied.rows) {
    bump(poolUsed, row.pool, row.slots);
    bump(dagActive, row.dag_id, row.n);
    bump(taskActive, `${row.dag_id}\u0000${row.task_id}`, row.n);
    bump(taskRunActive, `${row.dag_id}\u0000${row.task_id}\u0000${row.run_id}`, row.n);
  }

  const { rows: candidates } = await tx.query<Candidate>(
    `SELECT ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number, ti.pool, ti.pool_slots, ti.queue,
            ti.priority_weight, d.fileloc, d.dag_hash, d.max_active_tasks
       FROM task_instance ti
       JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
       JOIN dag d ON d.dag_id = ti.dag_id
      WHERE ti.state = 'scheduled' AND r.state = 'running' AND (NOT d.is_paused OR r.run_type = 'backfill')
      ORDER BY ti.priority_weight DESC, r.logical_date, ti.map_index
      LIMIT $1`,
    // A margin beyond what fits, for TIs skipped over because their pool or DAG is full.
    [maxToQueue + 32],
  );

  const chosen: Candidate[] = [];
  for (const ti of candidates) {
    if (chosen.length >= maxToQueue) break;
    const slots = pools.get(ti.pool);
    if (slots === undefined || (slots >= 0 && ti.pool_slots > slots)) continue; // missing pool or never fits: stays scheduled
    if (slots >= 0 && (poolUsed.get(ti.pool) ?? 0) + ti.pool_slots > slots) continue;
    if ((dagActive.get(ti.dag_id) ?? 0) >= ti.max_active_tasks) continue;
    const task = (await cache.get(tx, ti.dag_id, ti.dag_hash))?.data.tasks.find((t) => t.task_id === ti.task_id);
    const taskKey = `${ti.dag_id}\u0000${ti.task_id}`;
    if (task?.max_active_tis_per_dag != null && (taskActive.get(taskKey) ?? 0) >= task.max_active_tis_per_dag) continue;
    const runKey = `${taskKey}\u0000${ti.run_id}`;
    if (task?.max_active_tis_per_dagrun != null && (taskRunActive.get(runKey) ?? 0) >= task.max_active_tis_per_dagrun) continue;
    chosen.push(ti);
    bump(poolUsed, ti.pool, ti.pool_slots);
    bump(dagActive, ti.dag_id, 1);
    bump(taskActive, taskKey, 1);
    bump(taskRunActive, runKey, 1);
  }
  if (!chosen.length) return [];

  const { rows: queued } = await tx.query<{ dag_id: string; run_id: string; task_id: string; map_index: number }>(
    `UPDATE task_instance ti SET state = 'queued', queued_dttm = now(), queued_by_job_id = $1, updated_at = now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS c(dag_id, run_id, task_id, map_index)
      WHERE ti.dag_id = c.dag_id AND ti.run_id = c.run_id AND ti.task_id = c.task_id AND ti.map_index = c.map_index
        AND ti.state = 'scheduled'
      RETURNING ti.dag_id, ti.run_id, ti.task_id, ti.map_index`,
    [jobId, chosen.map((c) => c.dag_id), chosen.map((c) => c.run_id), chosen.map((c) => c.task_id), chosen.map((c) => c.map_index)],
  );
  // A TI another actor moved meanwhile (cleared, marked) was not queued: it must not reach the executor.
  const wasQueued = new Set(queued.map((q) => `${q.dag_id}\u0000${q.run_id}\u0000${q.task_id}\u0000${q.map_index}`));
  return chosen.filter((c) => wasQueued.has(`${c.dag_id}\u0000${c.run_id}\u0000${c.task_id}\u0000${c.map_index}`)).map((c) => ({
    key: { dagId: c.dag_id, runId: c.run_id, taskId: c.task_id, mapIndex: c.map_index },
    tryNumber: c.try_number,
    fileloc: c.fileloc,
    queue: c.queue,
    priorityWeight: c.priority_weight,
  }));
}
