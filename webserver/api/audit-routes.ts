import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { EVENT_LOG_ORDER_COLUMNS, getEventLog, listEventLog } from "../../core/store/queries/event-log-list.ts";
import { dagFiles, getImportError, IMPORT_ERROR_ORDER_COLUMNS, listImportErrors } from "../../core/store/queries/import-errors.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import { Resource } from "../auth/permissions.ts";
import { date, list, num, str } from "./call-values.ts";
import { route } from "./route.ts";
import { eventLogJson, importErrorJson } from "./resource-serializers.ts";

const csv = (values: string[]) => (values.length ? values.flatMap((v) => v.split(",")).filter(Boolean) : null);

/** The event (audit) log and import errors: what happened, and which DAG files failed to load. */
export function auditRoutes(router: express.Router, db: Database): void {
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
