import type express from "express";
import type { Queryable } from "../core/store/database.ts";
import { checkHealth } from "./health.ts";
import { metricsHandler } from "./metrics-endpoint.ts";
import { observeDatabase } from "./scrape-gauges.ts";
import { componentLogger } from "./logger.ts";

/**
 * One record per request of the REST API and UI (not the execution API, mounted before it): at debug level, or
 * error for a 5xx, so a default (info) log shows only what went wrong.
 */
function requestLog(): express.RequestHandler {
  let logger: ReturnType<typeof componentLogger> | undefined;
  return (req, res, next) => {
    const started = performance.now();
    res.on("finish", () => {
      try {
        logger ??= componentLogger("webserver");
        const level = res.statusCode >= 500 ? "error" : "debug";
        if (!logger.isLevelEnabled(level)) return;
        logger[level]({ method: req.method, path: req.originalUrl.split("?")[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, "request");
      } catch {
        // A bad UPDRAFT_LOG_LEVEL is reported when the process starts; a request is never failed over its log line.
      }
    });
    next();
  };
}

/**
 * The webserver's GET /metrics (this process's metrics, and pool and import-error gauges read from `db` at scrape
 * time) and GET /health (Airflow's health report, like GET /api/v1/health). Neither needs a login, as in Airflow.
 */
export function mountObservability(app: express.Express, db?: Queryable): void {
  if (db) observeDatabase(db);
  app.use(requestLog());
  app.get("/metrics", metricsHandler());
  if (db) app.get("/health", (_req, res, next) => void checkHealth(db).then((report) => res.json(report), next));
}
