import type { RedisOptions } from "ioredis";
import type { ConnectionInfo } from "../../core/types.ts";

/**
 * ioredis options from an Airflow redis connection: host, port (6379), login/password, the database from the
 * extra's `db` (or a numeric schema), TLS when the extra's `ssl` is true.
 */
export function redisOptions(connection: ConnectionInfo): RedisOptions {
  const extra = connection.extra ?? {};
  const db = extra.db ?? (connection.schema && /^\d+$/.test(connection.schema) ? connection.schema : 0);
  return {
    host: connection.host ?? "localhost",
    port: connection.port ?? 6379,
    username: connection.login ?? undefined,
    password: connection.password ?? undefined,
    db: Number(db),
    tls: extra.ssl === true || extra.ssl === "true" || extra.ssl === "True" ? {} : undefined,
    // Fail fast, with a message, when the server is down instead of queueing commands forever.
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  };
}
