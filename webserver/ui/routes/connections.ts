import type express from "express";
import type { Response } from "express";
import { RequestError } from "../../../core/runs/request-error.ts";
import { deleteConnection, getConnection, insertConnection, updateConnection, type ConnectionRow } from "../../../core/store/queries/connections.ts";
import { recordEvent } from "../../../core/store/queries/event-log.ts";
import { Resource } from "../../auth/permissions.ts";
import { checkConnection, maskExtra, unmaskExtra } from "../../resource-rules.ts";
import { page, param, redirectWith, requirePermission, resourceAbilities, UiError, userOf, type UiContext } from "../context.ts";
import { bodyOf, changeOrReshow, flag, raw, text } from "../form.ts";
import { listConnections } from "../queries/admin.ts";
import { renderPage } from "../render.ts";

const C = Resource.CONNECTION;
const FIELDS = ["conn_id", "conn_type", "description", "host", "schema", "login", "port", "extra"] as const;
/** What a connection form shows: every field but the password, which is never sent to the browser. */
type ConnectionForm = Record<(typeof FIELDS)[number], string>;

const formOf = (body: Record<string, unknown>): ConnectionForm =>
  Object.fromEntries(FIELDS.map((f) => [f, f === "extra" ? raw(body, f).trim() : text(body, f)])) as ConnectionForm;

/** A connection from its form over `current` (null when adding), checked as the REST API checks it. */
function connectionFrom(form: ConnectionForm, body: Record<string, unknown>, current: ConnectionRow | null): ConnectionRow {
  if (form.port && (!/^\d{1,5}$/.test(form.port) || Number(form.port) < 1 || Number(form.port) > 65535)) {
    throw new RequestError(400, `port "${form.port}" is not a port: give a whole number from 1 to 65535, or leave it empty.`);
  }
  const given = raw(body, "password");
  // The edit form never has the stored password: empty keeps it, the checkbox removes it.
  const password = current && !given ? (flag(body, "clear_password") ? null : current.password) : given || null;
  const row: ConnectionRow = {
    conn_id: current ? current.conn_id : form.conn_id,
    conn_type: form.conn_type,
    description: form.description || null,
    host: form.host || null,
    schema: form.schema || null,
    login: form.login || null,
    password,
    port: form.port ? Number(form.port) : null,
    extra: form.extra || null,
  };
  checkConnection(row);
  // Fields shown as *** keep their stored values (checked as JSON above first, so a bad extra is named as such).
  if (current && row.extra) row.extra = unmaskExtra(row.extra, current.extra);
  return row;
}

/**
 * Connections: list, add, edit, delete, as the REST API does them (same checks, store functions and event-log entries).
 * The password is write-only: no page ever contains it, and secret-looking fields of extra show `***`.
 */
export function connectionRoutes(router: express.Router, ctx: UiContext): void {
  const showForm = (res: Response, form: ConnectionForm, extra: { creating?: boolean; hasPassword?: boolean; error?: string } = {}, status = 200) =>
    renderPage(res, "connection-form", extra.creating ? "Add connection" : `Edit connection ${form.conn_id}`, { form, ...extra }, status);

  const requireConnection = async (connId: string) => {
    const found = await getConnection(ctx.db, connId);
    if (!found) throw new UiError(404, `Connection "${connId}" does not exist.`);
    return found;
  };
  const retype = (body: Record<string, unknown>, error: string) => (raw(body, "password") ? `${error} Type the password again: it is never sent back to the browser.` : error);

  router.get("/connections", page(async (_req, res) => {
    requirePermission(res, "can_read", C);
    renderPage(res, "connections", "Connections", { connections: await listConnections(ctx.db), can: resourceAbilities(res, C) });
  }));

  router.get("/connections/new", page(async (_req, res) => {
    requirePermission(res, "can_create", C);
    showForm(res, formOf({}), { creating: true });
  }));

  router.post("/connections", page(async (req, res) => {
    requirePermission(res, "can_create", C);
    const body = bodyOf(req);
    const form = formOf(body);
    await changeOrReshow(async () => {
      const row = connectionFrom(form, body, null);
      await ctx.db.transaction(async (tx) => {
        if (!(await insertConnection(tx, row))) throw new RequestError(409, `Connection "${row.conn_id}" already exists: edit it from the list instead, or choose another id.`);
        await recordEvent(tx, { event: "connection.create", owner: userOf(res).username, extra: JSON.stringify({ connection_id: row.conn_id }) });
      });
      redirectWith(res, "/connections", "info", `Connection "${row.conn_id}" added.`);
    }, (error, status) => showForm(res, form, { creating: true, error: retype(body, error) }, status));
  }));

  router.get("/connections/:connId/edit", page(async (req, res) => {
    requirePermission(res, "can_edit", C);
    const c = await requireConnection(param(req, "connId"));
    const form: ConnectionForm = {
      conn_id: c.conn_id, conn_type: c.conn_type, description: c.description ?? "", host: c.host ?? "", schema: c.schema ?? "", login: c.login ?? "",
      port: c.port === null ? "" : String(c.port), extra: maskExtra(c.extra),
    };
    showForm(res, form, { hasPassword: Boolean(c.password) });
  }));

  router.post("/connections/:connId", page(async (req, res) => {
    requirePermission(res, "can_edit", C);
    const current = await requireConnection(param(req, "connId"));
    const body = bodyOf(req);
    const form = { ...formOf(body), conn_id: current.conn_id };
    await changeOrReshow(async () => {
      const row = connectionFrom(form, body, current);
      await ctx.db.transaction(async (tx) => {
        await updateConnection(tx, current.conn_id, row);
        await recordEvent(tx, { event: "connection.edit", owner: userOf(res).username, extra: JSON.stringify({ connection_id: current.conn_id }) });
      });
      redirectWith(res, "/connections", "info", `Connection "${current.conn_id}" saved.`);
    }, (error, status) => showForm(res, form, { hasPassword: Boolean(current.password), error: retype(body, error) }, status));
  }));

  router.post("/connections/:connId/delete", page(async (req, res) => {
    requirePermission(res, "can_delete", C);
    const connId = param(req, "connId");
    await ctx.db.transaction(async (tx) => {
      if (!(await deleteConnection(tx, connId))) throw new RequestError(404, `Connection "${connId}" does not exist.`);
      await recordEvent(tx, { event: "connection.delete", owner: userOf(res).username, extra: JSON.stringify({ connection_id: connId }) });
    });
    redirectWith(res, "/connections", "info", `Connection "${connId}" deleted.`);
  }));
}
