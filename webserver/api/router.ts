import express, { type NextFunction, type Request, type Response } from "express";
import type { LogPathFor } from "../../core/runs/task-log.ts";
import type { Database } from "../../core/store/database.ts";
import { basicAuth } from "../auth/basic-auth.ts";
import { auditTrail } from "../audit-trail.ts";
import { auditRoutes } from "./audit-routes.ts";
import { backfillRoutes } from "./backfill-routes.ts";
import { clearRoutes } from "./clear-routes.ts";
import { connectionsRoutes } from "./connections-routes.ts";
import { dagRunsRoutes } from "./dag-runs-routes.ts";
import { dagsRoutes } from "./dags-routes.ts";
import { datasetsRoutes } from "./datasets-routes.ts";
import { extensionRoutes } from "./extension-routes.ts";
import { logRoutes } from "./log-routes.ts";
import { metaRoutes, publicMetaRoutes } from "./meta-routes.ts";
import { poolsRoutes } from "./pools-routes.ts";
import { securityRoutes } from "./security-routes.ts";
import { problem } from "./problem.ts";
import { taskInstancesRoutes } from "./task-instances-routes.ts";
import { variablesRoutes } from "./variables-routes.ts";
import { xcomRoutes } from "./xcom-routes.ts";
import { lineageApiRouter } from "../../lineage/service/api-router.ts";

export interface RestApiHooks {
  /**
   * Something a scheduler should act on changed: a run was triggered or backfilled, a DAG unpaused, or the TIs of the
   * run `runKey` (dag_id NUL run_id) were cleared or marked, so that what the scheduler knows of that run is stale.
   */
  onChange(runKey?: string): void;
}

export interface RestApiOptions {
  /** Where task logs are (the scheduler's `logPathFor` under its `$UPDRAFT_HOME`); without it, logs are not served. */
  logPathFor?: LogPathFor;
}

/**
 * Largest JSON body accepted. Airflow has no limit of its own (its web server's is 100 MB); the biggest legitimate
 * body here is a trigger's conf, and 1 MB of conf is already far past what a run's conf should carry.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Airflow's stable REST API (v1), as ../shared/reference/airflow-v1.yaml defines it (a copy is in ./openapi/): every
 * operation Updraft implements is mounted through `route`, which validates its parameters and body against the spec
 * and checks the caller's role. /health and /version need no login, as in Airflow; everything else needs basic auth.
 */
export function restApiRouter(db: Database, hooks: RestApiHooks, options: RestApiOptions = {}): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: MAX_BODY_BYTES, type: ["application/json", "application/*+json"] }));
  publicMetaRoutes(router, db);
  // Updraft's lineage service (Marquez's paths, none of them Airflow's); its own auth also takes a lineage API key.
  router.use(lineageApiRouter(db));
  router.use(basicAuth(db));
  router.use(auditTrail(db, "rest"));
  // Updraft extensions (SLA misses, circuit breakers): paths Airflow's v1 spec does not have.
  router.use(extensionRoutes(db));
  // Order matters where a literal segment could be taken for a parameter (dagRuns/list, datasets/events, listMapped).
  dagRunsRoutes(router, db, hooks);
  taskInstancesRoutes(router, db, hooks);
  dagsRoutes(router, db, hooks);
  clearRoutes(router, db, hooks);
  backfillRoutes(router, db, hooks);
  if (options.logPathFor) logRoutes(router, db, options.logPathFor);
  xcomRoutes(router, db);
  variablesRoutes(router, db);
  connectionsRoutes(router, db);
  poolsRoutes(router, db);
  datasetsRoutes(router, db, hooks);
  auditRoutes(router, db);
  metaRoutes(router, db);
  securityRoutes(router, db);

  router.use((_req: Request, res: Response) => problem(res, 404, "No such endpoint in this API: see docs/rest-api.md for the operations Updraft implements."));
  router.use((error: Error & { type?: string; status?: number; code?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === "entity.parse.failed") return problem(res, 400, `Malformed JSON body: ${error.message}. Send valid JSON with Content-Type: application/json.`);
    if (error.type === "entity.too.large") return problem(res, 413, `The body is larger than ${MAX_BODY_BYTES} bytes: send less (a run's conf should be small; put data elsewhere and pass its location).`);
    if (error.status && error.status >= 400 && error.status < 500) return problem(res, error.status, error.message);
    // SQLSTATE class 22 (data exception): a value the database cannot take — a NUL character in text, a number past its
    // column's range, a date out of range. The request's fault, so a 400; the statement itself is not shown.
    if (typeof error.code === "string" && error.code.startsWith("22")) {
      return problem(res, 400, `A value in the request cannot be used: ${error.message.replace(/ \(in: .*\)$/s, "")}. Fix it and try again.`);
    }
    // Never the stack trace or SQL: they go to the server's log, the client gets a reference to look them up by.
    console.error("[rest-api]", error);
    problem(res, 500, "Internal error: the webserver's log has the details.");
  });
  return router;
}
