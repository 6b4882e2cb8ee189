import { hostname, userInfo } from "node:os";
import type { Queryable } from "../core/store/database.ts";
import { recordEvent } from "../core/store/queries/event-log.ts";

/** Who runs the CLI: the operating-system user (Airflow's CLI action logger records the same). */
export function cliOperator(): string {
  try {
    return userInfo().username;
  } catch {
    return "cli";
  }
}

/** Records a CLI action in the audit log as Airflow names them (`cli_connections_add`…), with the host it ran on. */
export function recordCliEvent(db: Queryable, event: string, details: Record<string, unknown>): Promise<void> {
  return recordEvent(db, { event, owner: cliOperator(), extra: JSON.stringify({ ...details, host: hostname(), via: "cli" }) });
}
