import type { Queryable } from "../core/store/database.ts";

/**
 * Per task of one DAG, the run of its latest successful or skipped TI (Airflow's `max_tis`). Parameters: dag_id,
 * task_ids.
 */
export async function latestDoneRuns(db: Queryable, dagId: string, taskIds: string[]) {
  const { rows } = await db.query<{ task_id: string; logical_date: Date; data_interval_start: Date | null; data_interval_end: Date | null }>(
    `SELECT DISTINCT ON (ti.task_id) ti.task_id, r.logical_date, r.data_interval_start, r.data_interval_end
       FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
      WHERE ti.dag_id = $1 AND ti.task_id = ANY($2::text[]) AND ti.state IN ('success', 'skipped')
      ORDER BY ti.task_id, r.logical_date DESC`,
    [dagId, taskIds],
  );
  return rows;
}

/**
 * Records misses once: the primary key makes a second scheduler's insert of the same miss a no-op. Parameters: dag_id,
 * task_ids[], execution_dates[] (pairwise), timestamp. Returns how many were new.
 */
export async function insertSlaMisses(db: Queryable, dagId: string, taskIds: string[], dates: Date[], now: Date): Promise<number> {
  if (!taskIds.length) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO sla_miss (task_id, dag_id, execution_date, timestamp)
     SELECT t, $1, d, $4 FROM unnest($2::text[], $3::timestamptz[]) AS m(t, d)
     ON CONFLICT DO NOTHING`,
    [dagId, taskIds, dates, now],
  );
  return rowCount;
}

/**
 * Asks a runner to send a DAG's unnotified misses to its sla_miss_callback, unless a request is pending or is being
 * run (handed out less than `resendAfterSeconds` ago and not done; older ones' runners died): the advisory lock makes the check-and-insert
 * atomic across schedulers. The request names the DAG's latest run, whose token the runner uses. Parameters: dag_id,
 * resendAfterSeconds. Returns true when a request was added.
 */
export async function requestSlaCallback(tx: Queryable, dagId: string, resendAfterSeconds: number): Promise<boolean> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('updraft_sla_callback:' || $1))", [dagId]);
  const { rowCount } = await tx.query(
    `INSERT INTO callback_request (dag_id, run_id, kind, reason)
     SELECT $1, (SELECT run_id FROM dag_run WHERE dag_id = $1 ORDER BY logical_date DESC LIMIT 1), 'sla_miss', 'sla_miss'
      WHERE EXISTS (SELECT 1 FROM sla_miss WHERE dag_id = $1 AND NOT notification_sent)
        AND EXISTS (SELECT 1 FROM dag_run WHERE dag_id = $1)
        AND NOT EXISTS (SELECT 1 FROM callback_request WHERE dag_id = $1 AND kind = 'sla_miss' AND done_at IS NULL
                         AND (claimed_at IS NULL OR claimed_at > now() - make_interval(secs => $2)))`,
    [dagId, resendAfterSeconds],
  );
  return rowCount > 0;
}
