import express, { type NextFunction, type Request, type Response } from "express";
import { parseDate } from "../../core/dates.ts";
import { triggerDagRun, TriggerError } from "../../core/runs/trigger-dag-run.ts";
import type { Database } from "../../core/store/database.ts";
import { getDagRun, type DagRunRow } from "../../core/store/queries/dag-runs.ts";
import { listTaskInstances } from "../../core/store/queries/task-instances.ts";
import type { JsonObject } from "../../core/types.ts";
import { basicAuth } from "../auth/basic-auth.ts";
import { problem } from "./problem.ts";
import { dagRunJson, taskInstanceJson } from "./serializers.ts";

export interface RestApiHooks {
  /** Something a scheduler should look at changed (a run was triggered, a DAG unpaused). */
  onChange(runKey?: string): void;
}

/**
 * The subset of Airflow's stable REST API (v1) that the CLI needs to reach a running standalone: health, pause,
 * trigger, runs and their task instances. Shapes follow ../shared/reference/airflow-v1.yaml.
 */
export function restApiRouter(db: Database, hooks: RestApiHooks): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: "1mb" }));

  router.get("/health", async (_req, res) => {
    const { rows } = await db.query<{ latest_heartbeat: Date }>(
      "SELECT latest_heartbeat FROM job WHERE job_type = 'SchedulerJob' AND state = 'running' ORDER BY latest_heartbeat DESC LIMIT 1",
    ).catch(() => ({ rows: [] as Array<{ latest_heartbeat: Date }> }));
    const beat = rows[0]?.latest_heartbeat ?? null;
    res.json({
      metadatabase: { status: "healthy" },
      scheduler: { status: beat && Date.now() - beat.getTime() < 30_000 ? "healthy" : "unhealthy", latest_scheduler_heartbeat: beat?.toISOString() ?? null },
    });
  });

  router.use(basicAuth(db));
  const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => void fn(req, res).catch(next);

  router.patch("/dags/:dagId", handle(async (req, res) => {
    const isPaused = (req.body as { is_paused?: unknown }).is_paused;
    if (typeof isPaused !== "boolean") return problem(res, 400, "Body must be {\"is_paused\": true|false}.");
    const { rows } = await db.query<{ dag_id: string; is_paused: boolean; is_active: boolean; fileloc: string }>(
      "UPDATE dag SET is_paused = $2 WHERE dag_id = $1 RETURNING dag_id, is_paused, is_active, fileloc",
      [req.params.dagId, isPaused],
    );
    if (!rows[0]) return problem(res, 404, `DAG "${req.params.dagId}" not found.`);
    await db.query("INSERT INTO log (dag_id, event, owner) VALUES ($1, $2, $3)", [req.params.dagId, isPaused ? "paused" : "unpaused", res.locals.user.username]);
    hooks.onChange();
    res.json(rows[0]);
  }));

  router.post("/dags/:dagId/dagRuns", handle(async (req, res) => {
    const body = (req.body ?? {}) as { dag_run_id?: string; logical_date?: string; execution_date?: string; conf?: JsonObject; note?: string };
    if (body.conf !== undefined && (typeof body.conf !== "object" || body.conf === null || Array.isArray(body.conf))) {
      return problem(res, 400, "conf must be a JSON object.");
    }
    let logicalDate: Date | undefined;
    try {
      const given = body.logical_date ?? body.execution_date;
      logicalDate = given ? parseDate(given, "logical_date") : undefined;
    } catch (error) {
      return problem(res, 400, (error as Error).message);
    }
    try {
      const run = await triggerDagRun(db, req.params.dagId as string, { runId: body.dag_run_id, logicalDate, conf: body.conf, note: body.note });
      await db.query("INSERT INTO log (dag_id, run_id, event, owner) VALUES ($1, $2, 'trigger', $3)", [run.dag_id, run.run_id, res.locals.user.username]);
      hooks.onChange(`${run.dag_id}\u0000${run.run_id}`);
      res.json(dagRunJson(run));
    } catch (error) {
      if (error instanceof TriggerError) return problem(res, error.status, error.message);
      throw error;
    }
  }));

  router.get("/dags/:dagId/dagRuns", handle(async (req, res) => {
    const limit = Math.min(Number(req.query.limit ?? 100) || 100, 100);
    const offset = Number(req.query.offset ?? 0) || 0;
    const { rows } = await db.query<DagRunRow>(
      "SELECT * FROM dag_run WHERE dag_id = $1 ORDER BY logical_date LIMIT $2 OFFSET $3",
      [req.params.dagId, limit, offset],
    );
    const total = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM dag_run WHERE dag_id = $1", [req.params.dagId]);
    res.json({ dag_runs: rows.map(dagRunJson), total_entries: total.rows[0].n });
  }));

  router.get("/dags/:dagId/dagRuns/:runId", handle(async (req, res) => {
    const run = await getDagRun(db, req.params.dagId as string, req.params.runId as string);
    if (!run) return problem(res, 404, `DAG run "${req.params.runId}" of DAG "${req.params.dagId}" not found.`);
    res.json(dagRunJson(run));
  }));

  router.get("/dags/:dagId/dagRuns/:runId/taskInstances", handle(async (req, res) => {
    const run = await getDagRun(db, req.params.dagId as string, req.params.runId as string);
    if (!run) return problem(res, 404, `DAG run "${req.params.runId}" of DAG "${req.params.dagId}" not found.`);
    const tis = await listTaskInstances(db, run.dag_id, run.run_id);
    res.json({ task_instances: tis.map((ti) => taskInstanceJson({ ...ti, logical_date: run.logical_date })), total_entries: tis.length });
  }));

  router.use((error: Error & { type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === "entity.parse.failed") return problem(res, 400, `Malformed JSON body: ${error.message}`);
    problem(res, 500, error.message);
  });
  return router;
}
