import { parseConnectionValue } from "../../core/connection-uri.ts";
import type { Queryable } from "../../core/store/database.ts";
import { insertConnection } from "../../core/store/queries/connections.ts";
import { connectionRowOf } from "../../secrets/connection-row.ts";

/** Stores a connection given as a URI or JSON (as `updraft connections add --conn-uri` would). */
export async function setConnectionForTest(db: Queryable, connId: string, value: string): Promise<void> {
  const saved = await insertConnection(db, connectionRowOf(parseConnectionValue(connId, value)));
  if (!saved) throw new Error(`connection ${connId} exists`);
}
