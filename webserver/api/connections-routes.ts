import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import {
  CONNECTION_ORDER_COLUMNS, deleteConnection, getConnection, insertConnection, listConnections, updateConnection, type ConnectionRow,
} from "../../core/store/queries/connections.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import { Resource } from "../auth/permissions.ts";
import { checkConnection } from "../resource-rules.ts";
import { audit, list, num, str } from "./call-values.ts";
import { NO_CONTENT, route } from "./route.ts";
import { problem } from "./problem.ts";
import { connectionItemJson, connectionJson as unmaskedConnectionJson } from "./resource-serializers.ts";
import { testConnection } from "../../core/connection-testers.ts";
import { connectionTestingEnabled, connectionInfoOf } from "../../secrets/connection-row.ts";
import { redactJson } from "../../core/masking/secrets-masker.ts";
import "../../secrets/builtin-testers.ts";

/** A connection as answered: no password (write-only), and the extra's sensitive fields (token, api_key…) as `***`. */
function connectionJson(row: ConnectionRow) {
  const json = unmaskedConnectionJson(row);
  return { ...json, extra: maskedExtra(row.extra) };
}

function maskedExtra(extra: string | null): string | null {
  if (!extra) return extra;
  try {
    const parsed = JSON.parse(extra) as unknown;
    const redacted = JSON.stringify(redactJson(parsed));
    // Unchanged when nothing was secret: the extra is answered as it was written.
    return redacted === JSON.stringify(parsed) ? extra : redacted;
  } catch {
    return extra;
  }
}

const C = Resource.CONNECTION;
const FIELDS = ["connection_id", "conn_type", "description", "host", "login", "schema", "port", "password", "extra"] as const;

/** A connection row from a request body over `base` (all fields, or only those of update_mask), checked. */
function connectionFrom(body: Record<string, unknown>, base: ConnectionRow | null, mask: string[]): ConnectionRow {
  const unknown = mask.filter((f) => !(FIELDS as readonly string[]).includes(f));
  if (unknown.length) throw new RequestError(400, `update_mask names unknown field(s) ${unknown.join(", ")}: use ${FIELDS.join(", ")}.`);
  const take = (f: (typeof FIELDS)[number]) => (mask.length ? mask.includes(f) : body[f] !== undefined || !base);
  const row: ConnectionRow = {
    conn_id: take("connection_id") ? (str(body, "connection_id") ?? "") : base!.conn_id,
    conn_type: take("conn_type") ? (str(body, "conn_type") ?? "") : base!.conn_type,
    description: take("description") ? str(body, "description") : base!.description,
    host: take("host") ? str(body, "host") : base!.host,
    login: take("login") ? str(body, "login") : base!.login,
    schema: take("schema") ? str(body, "schema") : base!.schema,
    port: take("port") ? num(body, "port") : base!.port,
    password: take("password") ? str(body, "password") : base!.password,
    extra: take("extra") ? str(body, "extra") : base!.extra,
  };
  checkConnection(row);
  return row;
}

async function requireConnection(db: Database, connId: string): Promise<ConnectionRow> {
  const found = await getConnection(db, connId);
  if (!found) throw new RequestError(404, `Connection "${connId}" does not exist (GET /connections lists them).`);
  return found;
}

/** Connections: list, get, create, update (with update_mask), delete, test. The password is never answered. */
export function connectionsRoutes(router: express.Router, db: Database): void {
  route(router, db, "get_connections", { resource: C, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const { connections, total } = await listConnections(db, orderByClause(call.query.order_by, CONNECTION_ORDER_COLUMNS, "connection_id", "conn_id"), limit, offset);
    return { connections: connections.map(connectionItemJson), total_entries: total };
  });

  route(router, db, "get_connection", { resource: C, action: "can_read" }, async (call) => {
    const row = await requireConnection(db, call.params.connection_id);
    await audit(db, call, "connection.read", { extra: JSON.stringify({ connection_id: row.conn_id }) });
    return connectionJson(row);
  });

  route(router, db, "post_connection", { resource: C, action: "can_create" }, async (call) => {
    const row = connectionFrom(call.body, null, []);
    const saved = await db.transaction(async (tx) => {
      const created = await insertConnection(tx, row);
      if (!created) throw new RequestError(409, `Connection "${row.conn_id}" already exists: PATCH /connections/${row.conn_id} to change it.`);
      await audit(tx, call, "connection.create", { extra: JSON.stringify({ connection_id: row.conn_id }) });
      return created;
    });
    return connectionJson(saved);
  });

  route(router, db, "patch_connection", { resource: C, action: "can_edit" }, async (call) => {
    const connId = call.params.connection_id;
    const current = await requireConnection(db, connId);
    const row = connectionFrom(call.body, current, list(call.query, "update_mask"));
    if (call.body.connection_id !== undefined && row.conn_id !== connId) throw new RequestError(400, `The connection_id in the body ("${row.conn_id}") differs from the one in the path ("${connId}").`);
    const saved = await db.transaction(async (tx) => {
      const updated = await updateConnection(tx, connId, row);
      await audit(tx, call, "connection.edit", { extra: JSON.stringify({ connection_id: connId }) });
      return updated!;
    });
    return connectionJson(saved);
  });

  route(router, db, "delete_connection", { resource: C, action: "can_delete" }, async (call) => {
    const connId = call.params.connection_id;
    await db.transaction(async (tx) => {
      if (!(await deleteConnection(tx, connId))) throw new RequestError(404, `Connection "${connId}" does not exist.`);
      await audit(tx, call, "connection.delete", { extra: JSON.stringify({ connection_id: connId }) });
    });
    return NO_CONTENT;
  });

  // As Airflow 2.10: testing is off unless [core] test_connection is "Enabled" (it makes the server reach any host asked).
  route(router, db, "test_connection", { resource: C, action: "can_create" }, async (call) => {
    if (!connectionTestingEnabled()) {
      problem(call.res, 403, "Testing connections is disabled: set UPDRAFT_TEST_CONNECTION=Enabled (or AIRFLOW__CORE__TEST_CONNECTION) on the webserver to enable it.");
      return NO_CONTENT;
    }
    const row = connectionFrom({ connection_id: "test", ...call.body }, null, []);
    await audit(db, call, "connection.test", { extra: JSON.stringify({ connection_id: row.conn_id, conn_type: row.conn_type, ip: call.req.ip }) });
    return testConnection(connectionInfoOf(row));
  });
}
