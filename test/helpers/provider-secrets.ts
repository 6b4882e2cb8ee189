import { parseConnectionValue } from "../../core/connection-uri.ts";
import type { SecretsSource } from "../../core/inprocess/memory-run.ts";

/** Connections for an in-process run (`runDag(dag, { secrets })`), given as Airflow URIs or JSON by id. */
export function connectionsFrom(values: Record<string, string>): SecretsSource {
  return {
    async getVariable() {
      return undefined;
    },
    async getConnection(connId) {
      const value = values[connId];
      return value === undefined ? undefined : parseConnectionValue(connId, value);
    },
  };
}
