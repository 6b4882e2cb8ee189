import { parseConnectionValue } from "./connection-uri.ts";
import type { ConnectionInfo } from "./types.ts";

/** Variables and connections from the environment: `UPDRAFT_VAR_<KEY>` / `AIRFLOW_VAR_<KEY>`, `…_CONN_<ID>`. */
export const environmentSecrets = {
  async getVariable(key: string): Promise<string | undefined> {
    const name = key.toUpperCase();
    return process.env[`UPDRAFT_VAR_${name}`] ?? process.env[`AIRFLOW_VAR_${name}`];
  },
  async getConnection(connId: string): Promise<ConnectionInfo | undefined> {
    const name = connId.toUpperCase();
    const value = process.env[`UPDRAFT_CONN_${name}`] ?? process.env[`AIRFLOW_CONN_${name}`];
    return value === undefined ? undefined : parseConnectionValue(connId, value);
  },
};
