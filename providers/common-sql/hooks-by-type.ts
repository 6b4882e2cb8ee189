import type { TaskLogger } from "../../core/context.ts";
import type { ConnectionInfo } from "../../core/types.ts";
import type { SqlHook } from "./hook.ts";

/** The SQL hook for a connection, by its type (Airflow's `connection.get_hook()`). Loaded on use: drivers are heavy. */
export async function sqlHookFor(connection: ConnectionInfo, options: { database?: string; log?: TaskLogger } = {}): Promise<SqlHook> {
  switch (connection.connType) {
    case "postgres":
    case "postgresql": {
      const { PostgresHook } = await import("../postgres/hook.ts");
      return new PostgresHook({ connection, database: options.database, log: options.log });
    }
    default:
      throw new Error(
        `Connection "${connection.connId}" has type "${connection.connType}", which has no SQL hook in Updraft: use a postgres:// connection, or pass the operator a hook of your own (option "hook").`,
      );
  }
}
