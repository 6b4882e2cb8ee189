import type { TiKey } from "../core/store/queries/task-instances.ts";

/** What a worker returns for a job: how its runner ended (the TI's state itself went through the execution API). */
export interface WorkerOutcome {
  ok: boolean;
  reason: string;
}

/**
 * One job per task-instance try: the id is the try, so enqueueing it again is a no-op. Base64url, because BullMQ
 * refuses ids with a colon and run ids have them.
 */
export function jobIdOf(key: TiKey, tryNumber: number): string {
  return Buffer.from(JSON.stringify([key.dagId, key.runId, key.taskId, key.mapIndex, tryNumber])).toString("base64url");
}

/** The Redis channel on which schedulers ask workers to stop a try (cleared, marked, timed out). */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

/** BullMQ's connection options from a redis:// URL. BullMQ needs maxRetriesPerRequest null for its blocking calls. */
export function redisConnection(url: string): { host: string; port: number; db: number; username?: string; password?: string; maxRetriesPerRequest: null } {
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:") throw new Error(`UPDRAFT_REDIS_URL must be a redis:// URL, not "${url}".`);
  return {
    host: parsed.hostname || "127.0.0.1",
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    maxRetriesPerRequest: null,
  };
}
