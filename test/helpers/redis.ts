import { Redis } from "ioredis";
import { describe } from "vitest";

export const REDIS_URL = process.env.UPDRAFT_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export const REDIS_REACHABLE = await redisReachable();
if (!REDIS_REACHABLE && process.env.UPDRAFT_REQUIRE_SERVICES === "1") {
  throw new Error(`Redis is required (UPDRAFT_REQUIRE_SERVICES=1) but ${REDIS_URL} is unreachable: start it, or unset UPDRAFT_REQUIRE_SERVICES to skip its suites.`);
}

/** A suite that needs Redis (skipped, with a reason, when unreachable; failing instead under UPDRAFT_REQUIRE_SERVICES=1). */
export function describeRedis(name: string, suite: () => void): void {
  (REDIS_REACHABLE ? describe : describe.skip)(`${name}${REDIS_REACHABLE ? "" : " (Redis unreachable)"}`, suite);
}
