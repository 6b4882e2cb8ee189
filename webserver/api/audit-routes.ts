import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { EVENT_LOG_ORDER_COLUMNS, getEventLog, listEventLog } from "../../core/store/queries/event-log-list.ts";
import { dagFiles, getImportError, IMPORT_ERROR_ORDER_COLUMNS, listImportErrors } from "../../core/store/queries/import-errors.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import { Resource } from "../auth/permissions.ts";
import { date, list, num, str } from "./call-values.ts";
import { readableDagIds, route, type ApiUser } from "./route.ts";
import { isAuthorized } from "../auth/permissions.ts";
import { auditTrail } from "../../core/store/queries/audit-trail.ts";
import { recordEvent } from "../../core/store/queries/event-log.ts";
import { clientAddress, markAudited } from "../audit-trail.ts";
import { auditCsv, auditJson } from "./audit-export.ts";
import { problem } from "./problem.ts";
import { eventLogJson, importErrorJson } from "./resource-serializers.ts";

const csv = (values: string[]) => (values.length ? values.flatMap((v) => v.split(",")).filter(Boolean) : null);

/**
 * Updraft's compliance export (not in Airflow's spec): `GET /auditTrail/export?from=&to=&format=json|csv`, the audit
 * trail of a period, oldest first, as `updraft audit export` writes it. Needs can_read on Audit Logs; a role limited to
 * some DAGs sees only their events and those of no DAG.
 */
function auditExportRoute(router: express.Router, db: Database): void {
  router.get("/auditTrail/export", (req, res, next) => {
    void (async () => {
      const user = res.locals.user as ApiUser;
      if (!isAuthorized(user.role, "can_read", Resource.AUDIT_LOG)) return problem(res, 403, `Role "${user.role}" may not read Audit Logs: ask an admin for a role that may.`);
      const when = (name: string) => {
        const raw = req.query[name];
        if (raw === undefined) return null;
        const parsed = new Date(String(raw));
        if (Number.isNaN(parsed.getTime())) throw new RequestError(400, `${name} must be an ISO 8601 date-time, got "${String(raw)}".`);
        return parsed;
      };
      const format = String(req.query.format ?? "json");
      if (format !== "json" && format !== "csv") throw new RequestError(400, `format must be json or csv, got "${format}".`);
      const from = when("from");
      const to = when("to");
      const readable = await readableDagIds(db, user.role);
      const rows = (await auditTrail(db, from, to)).filter((r) => !readable || !r.dag_id || readable.includes(r.dag_id));
      markAudited(res);
      await recordEvent(db, { event: "audit.export", owner: user.username, extra: JSON.stringify({ from, to, format, count: rows.length, ip: clientAddress(req), via: "rest" }) });
      if (format === "csv") res.type("text/csv").attachment("audit.csv").send(auditCsv(rows));
      else res.json({ from, to, records: auditJson(rows) });
    })().catch((error: unknown) => (error instanceof RequestError ? problem(res, error.status, error.message) : next(error)));
  });
}

/** The event (audit) log and import errors: what happened, and which DAG files failed to load. */
export function auditRoutes(router: express.Router, db: Database): void {
  auditExportRoute(router, db);
  route(router, db, "get_event_logs", { resource: Resource.AUDIT_LOG, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = orderByClause(call.query.order_by, EVENT_LOG_ORDER_COLUMNS, "event_log_id", "l.id");
    const q = call.query;
    const { events, total } = await listEventLog(db, {
      readableDagIds: await call.readableDagIds(),
      dagId: str(q, "dag_id"), taskId: str(q, "task_id"), runId: str(q, "run_id"), mapIndex: num(q, "map_index"), tryNumber: num(q, "try_number"),
      event: str(q, "event"), owner: str(q, "owner"), before: date(q, "before"), after: date(q, "after"),
      includedEvents: csv(list(q, "included_events").concat(str(q, "included_events") ?? [])),
      excludedEvents: csv(list(q, "excluded_events").concat(str(q, "excluded_events") ?? [])),
    }, order, limit, offset);
    return { event_logs: events.map(eventLogJson), total_entries: total };
  });

  route(router, db, "get_event_log", { resource: Resource.AUDIT_LOG, action: "can_read" }, async (call) => {
    const event = await getEventLog(db, Number(call.params.event_log_id));
    const readable = await call.readableDagIds();
    if (!event || (readable && event.dag_id && !readable.includes(event.dag_id))) throw new RequestError(404, `No event log entry ${call.params.event_log_id}.`);
    return eventLogJson(event);
  });

  route(router, db, "get_import_errors", { resource: Resource.IMPORT_ERROR, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = orderByClause(call.query.order_by, IMPORT_ERROR_ORDER_COLUMNS, "import_error_id", "id");
    const readable = await call.readableDagIds();
    const { errors, total } = await listImportErrors(db, readable ? await dagFiles(db, readable) : null, order, limit, offset);
    return { import_errors: errors.map(importErrorJson), total_entries: total };
  });

  route(router, db, "get_import_error", { resource: Resource.IMPORT_ERROR, action: "can_read" }, async (call) => {
    const error = await getImportError(db, Number(call.params.import_error_id));
    const readable = await call.readableDagIds();
    if (!error || (readable && !(await dagFiles(db, readable)).includes(error.filename))) throw new RequestError(404, `No import error ${call.params.import_error_id}.`);
    return importErrorJson(error);
  });
}
