import { getCurrentContext } from "../../core/current-context.ts";
import { environmentSecrets } from "../../core/env-secrets.ts";
import type { ConnectionInfo } from "../../core/types.ts";

/**
 * A connection by id, as a hook sees it: through the running task's context (which reads the environment, the
 * secrets backends and the database via the execution API), or from `AIRFLOW_CONN_<ID>` / `UPDRAFT_CONN_<ID>` when
 * the hook is used outside a task (a script, a test).
 */
export async function getConnection(connId: string): Promise<ConnectionInfo> {
  let context;
  try {
    context = getCurrentContext();
  } catch {
    context = undefined;
  }
  if (context) return context.connections.get(connId);
  const connection = await environmentSecrets.getConnection(connId);
  if (!connection) {
    throw new Error(`Connection "${connId}" is not defined: set AIRFLOW_CONN_${connId.toUpperCase()} (a URI or JSON), or use the hook inside a task.`);
  }
  return connection;
}

/** An extra field as a string, whether the extra stored it as text or as a JSON value. */
export function extraString(connection: ConnectionInfo, key: string): string | undefined {
  const value = connection.extra?.[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}
