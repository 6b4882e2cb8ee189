import { parseConnectionValue } from "../core/connection-uri.ts";
import type { ConnectionInfo } from "../core/types.ts";

/**
 * A secrets backend (Airflow's BaseSecretsBackend): where connections and variables live outside the metadata
 * database. `undefined` means "not here" (the lookup goes on to the next source); an error means the backend could
 * not answer (unreachable, refused), which is reported rather than silently falling through to older values.
 */
export interface SecretsBackend {
  readonly name: string;
  getConnection(connId: string): Promise<ConnectionInfo | undefined>;
  getVariable(key: string): Promise<string | undefined>;
}

/** A connection stored as a URI string or as an object of Airflow's fields (JSON form). */
export function connectionFromSecret(connId: string, secret: unknown): ConnectionInfo {
  if (typeof secret === "string") return parseConnectionValue(connId, secret);
  if (secret && typeof secret === "object") {
    const fields = secret as Record<string, unknown>;
    // Airflow's Vault and AWS backends also accept {"conn_uri": "..."}.
    if (typeof fields.conn_uri === "string") return parseConnectionValue(connId, fields.conn_uri);
    return parseConnectionValue(connId, JSON.stringify(fields));
  }
  throw new Error(`Connection "${connId}": expected a URI string or an object of connection fields, got ${JSON.stringify(secret)}.`);
}
