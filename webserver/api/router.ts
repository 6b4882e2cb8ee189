import express, { type NextFunction, type Request, type Response } from "express";
import type { LogPathFor } from "../../core/runs/task-log.ts";
import type { Database } from "../../core/store/database.ts";
import { isSchedulerHealthy, latestSchedulerHeartbeat } from "../../core/store/queries/jobs.ts";
import { basicAuth } from "../auth/basic-auth.ts";
import { backfillRoutes } from "./backfill-routes.ts";
import { clearRoutes } from "./clear-routes.ts";
import { dagRunsRoutes } from "./dag-runs-routes.ts";
import { dagsRoutes } from "./dags-routes.ts";
import { logRoutes } from "./log-routes.ts";
import { problem } from "./problem.ts";

export interface RestApiHooks {
  /**
   * Something a scheduler should act on changed: a run was triggered or backfilled, a DAG unpaused, or the TIs of the
   * run `runKey` (dag_id NUL run_id) were cleared, so that what the scheduler knows of that run is stale.
   */
  onChange(runKey?: string): void;
}

export interface RestApiOptions {
  /** Where task logs are (the scheduler's `logPathFor` under its `$UPDRAFT_HOME`); without it, logs are not served. */
  logPathFor?: LogPathFor;
}

/**
 * The subset of Airflow's stable REST API (v1) that the CLI needs to reach a running standalone: health, DAGs and
 * their tasks, pause, trigger, runs and their task instances, clear, logs, and backfill (an Updraft addition).
 * Shapes follow ../shared/reference/airflow-v1.yaml.
 */
export function restApiRouter(db: Database, hooks: RestApiHooks, options: RestApiOptions = {}): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: "1mb" }));

  router.get("/health", async (_req, res) => {
    const beat = await latestSchedulerHeartbeat(db).catch(() => null);
    res.json({
      metadatabase: { status: "healthy" },
      scheduler: { status: isSchedulerHealthy(beat) ? "healthy" : "unhealthy", latest_scheduler_heartbeat: beat?.toISOString() ?? null },
    });
  });

  router.use(basicAuth(db));
  dagsRoutes(router, db, hooks);
  dagRunsRoutes(router, db, hooks);
  clearRoutes(router, db, hooks);
  backfillRoutes(router, db, hooks);
  if (options.logPathFor) logRoutes(router, db, options.logPathFor);

  router.use((error: Error & { type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === "entity.parse.failed") return problem(res, 400, `Malformed JSON body: ${error.message}`);
    problem(res, 500, error.message);
  });
  return router;
}
