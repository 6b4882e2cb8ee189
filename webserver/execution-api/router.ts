import express, { type NextFunction, type Request, type Response } from "express";
import { environmentSecrets } from "../../core/env-secrets.ts";
import { verifyToken, type TokenClaims } from "../../core/execution-token.ts";
import type { Database } from "../../core/store/database.ts";
import { finishTry, heartbeatTry, skipTaskInstances, startTry } from "../../core/store/queries/task-instances.ts";
import { pullXCom, pushXCom } from "../../core/store/queries/xcom.ts";
import type { JsonObject, JsonValue } from "../../core/types.ts";
import type { FinishRequest, StartRequest, StartResponse, XComPullRequest } from "./protocol.ts";

/** How a try ended, as the scheduler needs it to plan the run's next step. */
export interface TryOutcome {
  state: FinishRequest["state"];
  nextRetryAt: Date | null;
  rescheduleAt: Date | null;
}

export interface ExecutionApiHooks {
  /** A try ended: the scheduler should look at this run now (a downstream task may be ready). */
  onTryFinished(claims: TokenClaims, outcome: TryOutcome): void;
  /** A try changed other TIs of its run (a branch skipped them): the scheduler must read the run again. */
  onRunChanged?(claims: TokenClaims): void;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The execution API: what a runner may do for the one task-instance try its token names — start, heartbeat, read and
 * write XCom, read variables and connections, skip tasks of its run (branching), finish. Every write is guarded on the
 * try's state, so a cleared or re-queued try cannot write over the new one.
 */
export function executionApiRouter(db: Database, secret: Buffer, hooks: ExecutionApiHooks): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: "10mb" }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    const header = req.get("authorization") ?? "";
    const claims = header.startsWith("Bearer ") ? verifyToken(secret, header.slice(7)) : null;
    if (!claims) {
      res.status(401).json({ title: "Unauthorized", status: 401, detail: "A valid task-instance token is required (Authorization: Bearer …)." });
      return;
    }
    res.locals.claims = claims;
    next();
  });
  const claimsOf = (res: Response) => res.locals.claims as TokenClaims;
  const handle = (fn: (req: Request, res: Response, claims: TokenClaims) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res, claimsOf(res)).catch(next);
  };

  router.post("/ti/start", handle(async (req, res, c) => {
    const body = req.body as StartRequest;
    const t = await startTry(db, c, c.tryNumber, String(body.hostname ?? ""), Number(body.pid ?? 0));
    if (!t) {
      res.status(409).json({ title: "Conflict", status: 409, detail: "This try is no longer queued (cleared, marked, or already started): do not run it." });
      return;
    }
    const response: StartResponse = {
      dag_run: {
        dag_id: c.dagId, run_id: c.runId, run_type: t.run_type, logical_date: t.logical_date.toISOString(),
        data_interval_start: (t.data_interval_start ?? t.logical_date).toISOString(),
        data_interval_end: (t.data_interval_end ?? t.logical_date).toISOString(),
        conf: t.conf, external_trigger: t.external_trigger, start_date: iso(t.run_start_date),
      },
      ti: { try_number: t.try_number, max_tries: t.max_tries, start_date: t.start_date.toISOString(), map_index: t.map_index },
      expanded_ti_count: t.expanded_ti_count,
      prev_success: t.prev_logical_date
        ? { logical_date: t.prev_logical_date.toISOString(), data_interval_start: iso(t.prev_data_interval_start), data_interval_end: iso(t.prev_data_interval_end), start_date: iso(t.prev_start_date), end_date: iso(t.prev_end_date) }
        : null,
    };
    res.json(response);
  }));

  // For DAG-level callbacks: the run the token's task instance belongs to.
  router.get("/run", handle(async (_req, res, c) => {
    const { rows } = await db.query<{ run_type: string; logical_date: Date; data_interval_start: Date | null; data_interval_end: Date | null; conf: JsonObject; external_trigger: boolean; start_date: Date | null; state: string }>(
      "SELECT run_type, logical_date, data_interval_start, data_interval_end, conf, external_trigger, start_date, state FROM dag_run WHERE dag_id = $1 AND run_id = $2",
      [c.dagId, c.runId],
    );
    const run = rows[0];
    if (!run) return void res.status(404).json({ title: "Not Found", status: 404, detail: "The run is gone." });
    res.json({
      dag_id: c.dagId, run_id: c.runId, run_type: run.run_type, logical_date: run.logical_date.toISOString(),
      data_interval_start: (run.data_interval_start ?? run.logical_date).toISOString(),
      data_interval_end: (run.data_interval_end ?? run.logical_date).toISOString(),
      conf: run.conf, external_trigger: run.external_trigger, start_date: iso(run.start_date), state: run.state,
    });
  }));

  router.post("/callbacks/:id/done", handle(async (req, res, c) => {
    await db.query("UPDATE callback_request SET claimed_at = now() WHERE id = $1 AND dag_id = $2 AND run_id = $3", [Number(req.params.id), c.dagId, c.runId]);
    res.status(204).end();
  }));

  router.post("/ti/heartbeat", handle(async (_req, res, c) => {
    res.json({ state: await heartbeatTry(db, c, c.tryNumber) });
  }));

  router.post("/ti/xcom/pull", handle(async (req, res, c) => {
    const body = req.body as XComPullRequest;
    const value = await pullXCom(db, c, {
      taskIds: body.task_ids, key: body.key, mapIndexes: body.map_indexes, dagId: body.dag_id, default: body.default,
    });
    res.json({ value: value === undefined ? null : value, found: value !== undefined });
  }));

  router.put("/ti/xcom/:key", handle(async (req, res, c) => {
    await pushXCom(db, c, req.params.key as string, (req.body as { value: JsonValue }).value);
    res.status(204).end();
  }));

  router.post("/ti/skip", handle(async (req, res, c) => {
    const body = req.body as { task_ids: string[]; map_index: number };
    const skipped = await skipTaskInstances(db, c.dagId, c.runId, body.task_ids, body.map_index);
    if (skipped > 0) hooks.onRunChanged?.(c);
    res.json({ skipped });
  }));

  router.get("/variables/:key", handle(async (req, res) => {
    const key = req.params.key as string;
    const fromEnv = await environmentSecrets.getVariable(key);
    const value = fromEnv ?? (await db.query<{ val: string }>("SELECT val FROM variable WHERE key = $1", [key])).rows[0]?.val;
    if (value === undefined) res.status(404).json({ title: "Not Found", status: 404, detail: `Variable "${key}" does not exist.` });
    else res.json({ key, value });
  }));

  router.get("/connections/:connId", handle(async (req, res) => {
    const connId = req.params.connId as string;
    const fromEnv = await environmentSecrets.getConnection(connId);
    if (fromEnv) {
      res.json(fromEnv);
      return;
    }
    const { rows } = await db.query<Record<string, unknown>>("SELECT * FROM connection WHERE conn_id = $1", [connId]);
    const row = rows[0];
    if (!row) {
      res.status(404).json({ title: "Not Found", status: 404, detail: `Connection "${connId}" does not exist.` });
      return;
    }
    res.json({
      connId: row.conn_id, connType: row.conn_type, description: row.description, host: row.host, login: row.login,
      password: row.password, schema: row.schema, port: row.port, extra: row.extra ? JSON.parse(row.extra as string) : null,
    });
  }));

  router.post("/ti/finish", handle(async (req, res, c) => {
    const body = req.body as FinishRequest;
    const outcome: TryOutcome = {
      state: body.state,
      nextRetryAt: body.next_retry_at ? new Date(body.next_retry_at) : null,
      rescheduleAt: body.reschedule_at ? new Date(body.reschedule_at) : null,
    };
    const done = await finishTry(db, c, c.tryNumber, {
      ...outcome,
      error: body.error ?? null,
      renderedMapIndex: body.rendered_map_index ?? null,
      rendered: body.rendered ?? {},
    }, body.log_path ?? null);
    if (!done) {
      res.status(409).json({ title: "Conflict", status: 409, detail: "This try is no longer running; its outcome was not recorded." });
      return;
    }
    hooks.onTryFinished(c, outcome);
    res.status(204).end();
  }));

  router.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ title: "Internal Server Error", status: 500, detail: error.message });
  });
  return router;
}
