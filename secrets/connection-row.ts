import type { ConnectionRow } from "../core/store/queries/connections.ts";
import type { ConnectionInfo, JsonObject } from "../core/types.ts";

/** A stored connection row as tasks and hooks see it (extra parsed; an extra that is not JSON is left out). */
export function connectionInfoOf(row: ConnectionRow): ConnectionInfo {
  let extra: JsonObject | null = null;
  if (row.extra) {
    try {
      extra = JSON.parse(row.extra) as JsonObject;
    } catch {
      extra = null;
    }
  }
  return {
    connId: row.conn_id, connType: row.conn_type, description: row.description, host: row.host, login: row.login,
    password: row.password, schema: row.schema, port: row.port, extra,
  };
}

/** A connection from tasks' form into a row to store (extra as JSON text). */
export function connectionRowOf(c: ConnectionInfo): ConnectionRow {
  return {
    conn_id: c.connId, conn_type: c.connType, description: c.description ?? null, host: c.host ?? null, schema: c.schema ?? null,
    login: c.login ?? null, password: c.password ?? null, port: c.port ?? null, extra: c.extra ? JSON.stringify(c.extra) : null,
  };
}

/** Airflow's `[core] test_connection` (default Disabled): UPDRAFT_TEST_CONNECTION or AIRFLOW__CORE__TEST_CONNECTION. */
export function connectionTestingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.UPDRAFT_TEST_CONNECTION ?? env.AIRFLOW__CORE__TEST_CONNECTION ?? "Disabled").trim().toLowerCase() === "enabled";
}
