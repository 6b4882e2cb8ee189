import express, { type NextFunction, type Request, type Response } from "express";
import type { Database } from "../../core/store/database.ts";
import { breakerJson } from "../../resilience/breaker-json.ts";
import { listBreakers } from "../../resilience/breaker-store.ts";
import { resetBreaker } from "../../resilience/reset-breaker.ts";
import { listSlaMisses, slaMissJson } from "../../scheduler/sla-list.ts";
import { isAuthorized, Resource, type Action } from "../auth/permissions.ts";
import { problem } from "./problem.ts";
import { readableDagIds, type ApiUser } from "./route.ts";

/**
 * Updraft extensions to the v1 API, for what Airflow 2.10's API has no operation for (docs/callbacks-slas-breakers.md):
 * `GET /slaMisses` (Airflow shows SLA misses only in its UI; the rows keep the spec's SLAMiss shape) and circuit
 * breakers (`GET /circuitBreakers`, `POST /circuitBreakers/{name}/reset`). Any role with the website (Viewer and up)
 * may read breakers, as it reads jobs and health; resetting is an operator's act on shared capacity, so it takes
 * can_edit on Pools (Op and Admin).
 */
export function extensionRoutes(db: Database): express.Router {
  const router = express.Router();
  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => fn(req, res).catch(next);
  const allowed = (res: Response, action: Action, resource: Resource) => {
    const user = res.locals.user as ApiUser;
    if (isAuthorized(user.role, action, resource)) return true;
    problem(res, 403, `Your role (${user.role}) lacks ${action} on ${resource}.`);
    return false;
  };
  const page = (req: Request) => {
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
    if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0) return null;
    return { limit: Math.min(limit || 100, 100), offset };
  };

  router.get("/slaMisses", wrap(async (req, res) => {
    if (!allowed(res, "can_read", Resource.SLA_MISS)) return;
    const paging = page(req);
    if (!paging) return problem(res, 400, "limit and offset must be whole numbers ≥ 0.");
    const dagId = typeof req.query.dag_id === "string" && req.query.dag_id !== "~" ? req.query.dag_id : null;
    const readable = await readableDagIds(db, (res.locals.user as ApiUser).role);
    const { misses, total } = await listSlaMisses(db, readable, dagId, paging.limit, paging.offset);
    res.json({ sla_misses: misses.map(slaMissJson), total_entries: total });
  }));

  router.get("/circuitBreakers", wrap(async (_req, res) => {
    if (!allowed(res, "can_read", Resource.WEBSITE)) return;
    const rows = await listBreakers(db);
    res.json({ circuit_breakers: rows.map(breakerJson), total_entries: rows.length });
  }));

  router.post("/circuitBreakers/:name/reset", wrap(async (req, res) => {
    if (!allowed(res, "can_edit", Resource.POOL)) return;
    const row = await resetBreaker(db, String(req.params.name));
    if (!row) return problem(res, 404, `No circuit breaker is named "${req.params.name}" (GET /api/v1/circuitBreakers lists them; a breaker appears once a task used it).`);
    res.json(breakerJson(row));
  }));
  return router;
}
