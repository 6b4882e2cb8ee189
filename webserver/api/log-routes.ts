import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import { readTaskLog, type LogPathFor } from "../../core/runs/task-log.ts";
import type { Database } from "../../core/store/database.ts";
import { Resource } from "../auth/permissions.ts";
import { route } from "./route.ts";

/** Airflow signs its continuation token; this one only says where to continue reading, so there is nothing to forge. */
const encodeToken = (token: { log_pos: number; end_of_log: boolean }) => Buffer.from(JSON.stringify(token)).toString("base64url");

function decodeToken(raw: unknown): number {
  if (raw === undefined || raw === "") return 0;
  try {
    const { log_pos } = JSON.parse(Buffer.from(String(raw), "base64url").toString("utf8")) as { log_pos?: unknown };
    if (Number.isInteger(log_pos) && (log_pos as number) >= 0) return log_pos as number;
  } catch {
    // Reported below.
  }
  throw new RequestError(400, "token is not a continuation token this API returned.");
}

/**
 * GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}[?map_index=&token=&full_content=]:
 * the try's log file as text/plain when that is what the client accepts, else {"content", "continuation_token"}.
 * The file read is the one the log layout names for that TI and try: nothing in the request becomes a path.
 */
export function logRoutes(router: express.Router, db: Database, logPathFor: LogPathFor): void {
  route(router, db, "get_log", { dag: Resource.TASK_LOG }, async (call) => {
    const tryNumber = Number(call.params.task_try_number);
    const mapIndex = typeof call.query.map_index === "number" ? call.query.map_index : -1;
    const key = { dagId: call.params.dag_id, runId: call.params.dag_run_id, taskId: call.params.task_id, mapIndex };
    const from = call.query.full_content === true ? 0 : decodeToken(call.query.token);
    const log = await readTaskLog(db, key, tryNumber, logPathFor, from);
    if (call.req.accepts(["application/json", "text/plain"]) === "text/plain") {
      call.res.type("text/plain").send(log.content);
      return undefined;
    }
    return { content: log.content, continuation_token: encodeToken({ log_pos: log.size, end_of_log: log.endOfLog }) };
  });
}
