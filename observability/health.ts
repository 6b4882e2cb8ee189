import { Redis } from "ioredis";
import type { Queryable } from "../core/store/database.ts";
import { SCHEDULER_HEALTH_THRESHOLD_MS } from "../core/store/queries/jobs.ts";

/**
 * Airflow's health report (GET /api/v1/health, GET /health, `updraft health`): each component's status, "healthy" or
 * "unhealthy", and its latest heartbeat. A triggerer or standalone DAG processor that never ran has status null, as
 * in Airflow (a deployment without one is not unhealthy). With the BullMQ executor, `executor` adds whether its Redis
 * answers.
 */
export type HealthStatus = "healthy" | "unhealthy";
export interface HealthReport {
  metadatabase: { status: HealthStatus };
  scheduler: { status: HealthStatus; latest_scheduler_heartbeat: string | null };
  triggerer: { status: HealthStatus | null; latest_triggerer_heartbeat: string | null };
  dag_processor: { status: HealthStatus | null; latest_dag_processor_heartbeat: string | null };
  executor?: { status: HealthStatus; executor: string; redis: { status: HealthStatus; error?: string } };
}

/** Airflow's triggerer_health_check_threshold (default 30 s), UPDRAFT_TRIGGERER_HEALTH_CHECK_THRESHOLD_SEC. */
const TRIGGERER_THRESHOLD_MS = () => Number(process.env.UPDRAFT_TRIGGERER_HEALTH_CHECK_THRESHOLD_SEC ?? 30) * 1000;
// Other jobs are alive within 2.1 heartbeats of 5 s, as Airflow's Job.is_alive judges them.
const OTHER_JOB_THRESHOLD_MS = 5_000 * 2.1;
// A Redis that has not answered within a second is reported down rather than holding the health check.
const REDIS_TIMEOUT_MS = 1_000;

interface JobRow {
  job_type: string;
  state: string;
  latest_heartbeat: Date;
}

/** The most recent job of each kind, running ones first (Airflow's Job.most_recent_job). */
async function mostRecentJobs(db: Queryable): Promise<Map<string, JobRow>> {
  const { rows } = await db.query<JobRow>(
    `SELECT DISTINCT ON (job_type) job_type, state, latest_heartbeat FROM job
      WHERE job_type IN ('SchedulerJob', 'TriggererJob', 'DagProcessorJob')
      ORDER BY job_type, (state = 'running') DESC, latest_heartbeat DESC`,
  );
  return new Map(rows.map((row) => [row.job_type, row]));
}

const alive = (job: JobRow | undefined, thresholdMs: number, now: number) =>
  job !== undefined && job.state === "running" && now - job.latest_heartbeat.getTime() < thresholdMs;

export interface HealthOptions {
  /** The BullMQ executor's Redis, checked when set (standalone passes UPDRAFT_REDIS_URL when UPDRAFT_EXECUTOR=bullmq). */
  redisUrl?: string | null;
  now?: number;
}

export async function checkHealth(db: Queryable, options: HealthOptions = redisFromEnv()): Promise<HealthReport> {
  const now = options.now ?? Date.now();
  const jobs = await mostRecentJobs(db).catch(() => null);
  const scheduler = jobs?.get("SchedulerJob");
  const triggerer = jobs?.get("TriggererJob");
  const processor = jobs?.get("DagProcessorJob");
  const status = (ok: boolean): HealthStatus => (ok ? "healthy" : "unhealthy");
  // No row of a kind: null (never ran); the database unreadable: unhealthy, as Airflow leaves it.
  const optional = (job: JobRow | undefined, thresholdMs: number) => (!jobs ? "unhealthy" : job ? status(alive(job, thresholdMs, now)) : null);
  const report: HealthReport = {
    metadatabase: { status: status(jobs !== null) },
    scheduler: { status: status(alive(scheduler, SCHEDULER_HEALTH_THRESHOLD_MS, now)), latest_scheduler_heartbeat: scheduler?.latest_heartbeat.toISOString() ?? null },
    triggerer: { status: optional(triggerer, TRIGGERER_THRESHOLD_MS()), latest_triggerer_heartbeat: triggerer?.latest_heartbeat.toISOString() ?? null },
    dag_processor: { status: optional(processor, OTHER_JOB_THRESHOLD_MS), latest_dag_processor_heartbeat: processor?.latest_heartbeat.toISOString() ?? null },
  };
  if (options.redisUrl) {
    const redis = await pingRedis(options.redisUrl);
    report.executor = { status: redis.status, executor: "bullmq", redis };
  }
  return report;
}

/** True when a component that runs is unhealthy (null, a component that never ran, is not). */
export function isUnhealthy(report: HealthReport): boolean {
  return [report.metadatabase, report.scheduler, report.triggerer, report.dag_processor, report.executor]
    .some((component) => component?.status === "unhealthy");
}

export function redisFromEnv(env: NodeJS.ProcessEnv = process.env): HealthOptions {
  return env.UPDRAFT_EXECUTOR === "bullmq" ? { redisUrl: env.UPDRAFT_REDIS_URL || "redis://127.0.0.1:6379" } : {};
}

async function pingRedis(url: string): Promise<{ status: HealthStatus; error?: string }> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: REDIS_TIMEOUT_MS, commandTimeout: REDIS_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === "PONG" ? { status: "healthy" } : { status: "unhealthy", error: `PING answered ${pong}` };
  } catch (error) {
    return { status: "unhealthy", error: `Redis at ${redactUrl(url)} did not answer: ${(error as Error).message}` };
  } finally {
    client.disconnect();
  }
}

const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, "//***@");
