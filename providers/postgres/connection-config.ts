import { readFileSync } from "node:fs";
import type { PoolConfig } from "pg";
import type { ConnectionInfo } from "../../core/types.ts";
import { extraString } from "../common/connection.ts";

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

/**
 * A pg pool configuration from an Airflow postgres connection: `schema` is the database, and the extra takes
 * libpq's `sslmode`, `sslrootcert`, `sslcert`, `sslkey`, `options` (e.g. "-c search_path=app"),
 * `connect_timeout` (seconds) and `application_name`, as Airflow's PostgresHook passes them to psycopg2.
 */
export function poolConfigFor(connection: ConnectionInfo, database?: string): PoolConfig {
  const extra = (name: string) => extraString(connection, name);
  const config: PoolConfig = {
    host: connection.host ?? "localhost",
    port: connection.port ?? 5432,
    user: connection.login ?? undefined,
    password: connection.password ?? undefined,
    database: database ?? connection.schema ?? undefined,
    // A warm runner keeps its pool between tries; idle clients must not keep the process alive.
    allowExitOnIdle: true,
    idleTimeoutMillis: 10_000,
    // An unreachable host fails the try after this long instead of hanging it (extra connect_timeout overrides).
    connectionTimeoutMillis: 10_000,
    max: 4,
  };
  const sslmode = extra("sslmode");
  if (sslmode !== undefined) {
    if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
      throw new Error(`Connection "${connection.connId}" has sslmode "${sslmode}": use one of ${SSL_MODES.join(", ")}.`);
    }
    if (sslmode === "require" || sslmode === "verify-ca" || sslmode === "verify-full") {
      const file = (name: string) => (extra(name) ? readFileSync(extra(name)!, "utf8") : undefined);
      config.ssl = {
        rejectUnauthorized: sslmode !== "require",
        ca: file("sslrootcert"),
        cert: file("sslcert"),
        key: file("sslkey"),
        ...(sslmode === "verify-ca" ? { checkServerIdentity: () => undefined } : {}),
      };
    } else if (sslmode === "disable") {
      config.ssl = false;
    }
  }
  if (extra("options")) config.options = extra("options");
  if (extra("connect_timeout")) config.connectionTimeoutMillis = Number(extra("connect_timeout")) * 1000;
  if (extra("application_name")) config.application_name = extra("application_name");
  return config;
}
