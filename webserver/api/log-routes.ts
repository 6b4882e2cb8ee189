import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import { readTaskLog, type LogPathFor } from "../../core/runs/task-log.ts";
import type { Database } from "../../core/store/database.ts";
import { handle, pathParam } from "./handle.ts";

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
 * GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}[?map_index=&token=]:
 * the try's log file as text/plain when that is what the client accepts, else {"content", "continuation_token"}.
 */
export function logRoutes(router: express.Router, db: Database, logPathFor: LogPathFor): void {
  router.get("/dags/:dagId/dagRuns/:runId/taskInstances/:taskId/logs/:tryNumber", handle(async (req, res) => {
    const tryNumber = Number(pathParam(req, "tryNumber"));
    const mapIndex = req.query.map_index === undefined ? -1 : Number(req.query.map_index);
    if (!Number.isInteger(tryNumber) || !Number.isInteger(mapIndex)) throw new RequestError(400, "task_try_number and map_index must be whole numbers.");
    const key = { dagId: pathParam(req, "dagId"), runId: pathParam(req, "runId"), taskId: pathParam(req, "taskId"), mapIndex };
    const log = await readTaskLog(db, key, tryNumber, logPathFor, decodeToken(req.query.token));
    if (req.accepts(["application/json", "text/plain"]) === "text/plain") {
      res.type("text/plain").send(log.content);
      return;
    }
    res.json({ content: log.content, continuation_token: encodeToken({ log_pos: log.size, end_of_log: log.endOfLog }) });
  }));
}
