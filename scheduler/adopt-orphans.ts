import type { Queryable } from "../core/store/database.ts";

/**
 * How often a running scheduler looks for schedulers that died after it started (Airflow's
 * `orphaned_tasks_check_interval`, UPDRAFT_ORPHANED_TASKS_CHECK_INTERVAL_SEC). Airflow's default is 300 s because its
 * pass loads every orphan through the ORM; here it is two guarded UPDATEs, so 60 s: a dead scheduler's queued TIs wait
 * at most the health threshold plus this.
 */
export const ORPHANED_TASKS_CHECK_INTERVAL_MS = Number(process.env.UPDRAFT_ORPHANED_TASKS_CHECK_INTERVAL_SEC ?? 60) * 1000;

export interface OrphanedRun {
  dagId: string;
  runId: string;
}

/**
 * Airflow's adopt_or_reset_orphaned_tasks. Schedulers silent for `healthThresholdMs` (or every other one, when
 * `everyOtherIsDead`) are marked failed; the TIs they queued go back to be scheduled again, since a local executor's
 * backlog died with its process and no executor here can adopt another's. Running TIs are left to zombie detection:
 * their runners may still be finishing. Each reset is guarded on `queued`, so a runner starting the try at the same
 * moment either wins (it runs) or gets a conflict (it does not). Returns the runs whose TIs were reset, once each.
 * Parameters: this scheduler's job id, every-other-is-dead, the threshold in seconds.
 */
export async function adoptOrphanedTasks(
  db: Queryable,
  jobId: number,
  options: { healthThresholdMs: number; everyOtherIsDead: boolean },
): Promise<{ reset: number; runs: OrphanedRun[] }> {
  await db.query(
    `UPDATE job SET state = 'failed', end_date = now()
      WHERE job_type = 'SchedulerJob' AND state = 'running' AND id <> $1
        AND ($2 OR latest_heartbeat < now() - make_interval(secs => $3))`,
    [jobId, options.everyOtherIsDead, options.healthThresholdMs / 1000],
  );
  const { rows } = await db.query<{ dag_id: string; run_id: string }>(
    `UPDATE task_instance SET state = NULL, queued_by_job_id = NULL, updated_at = now()
      WHERE state = 'queued' AND (queued_by_job_id IS NULL OR queued_by_job_id IN (SELECT id FROM job WHERE state <> 'running'))
      RETURNING dag_id, run_id`,
  );
  const runs = new Map(rows.map((r) => [`${r.dag_id}\u0000${r.run_id}`, { dagId: r.dag_id, runId: r.run_id }]));
  return { reset: rows.length, runs: [...runs.values()] };
}
