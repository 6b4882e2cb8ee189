import type { Queryable } from "../database.ts";

/**
 * A scheduler is healthy while its heartbeat is this recent (Airflow's `scheduler_health_check_threshold`, default 30 s,
 * UPDRAFT_SCHEDULER_HEALTH_CHECK_THRESHOLD_SEC); older, another scheduler declares it dead and adopts its queued TIs.
 * Schedulers heartbeat every 5 s: a threshold below that declares live schedulers dead.
 */
export const SCHEDULER_HEALTH_THRESHOLD_MS = Number(process.env.UPDRAFT_SCHEDULER_HEALTH_CHECK_THRESHOLD_SEC ?? 30) * 1000;

/** The latest heartbeat of a running scheduler, or null when none runs. */
export async function latestSchedulerHeartbeat(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ latest_heartbeat: Date }>(
    "SELECT latest_heartbeat FROM job WHERE job_type = 'SchedulerJob' AND state = 'running' ORDER BY latest_heartbeat DESC LIMIT 1",
  );
  return rows[0]?.latest_heartbeat ?? null;
}

export function isSchedulerHealthy(heartbeat: Date | null, now = Date.now()): boolean {
  return heartbeat !== null && now - heartbeat.getTime() < SCHEDULER_HEALTH_THRESHOLD_MS;
}
