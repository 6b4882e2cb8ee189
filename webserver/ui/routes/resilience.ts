import type express from "express";
import { recordEvent } from "../../../core/store/queries/event-log.ts";
import { breakerJson } from "../../../resilience/breaker-json.ts";
import { listBreakers } from "../../../resilience/breaker-store.ts";
import { resetBreaker } from "../../../resilience/reset-breaker.ts";
import { listSlaMisses } from "../../../scheduler/sla-list.ts";
import { readableDagIds } from "../../api/route.ts";
import { Resource } from "../../auth/permissions.ts";
import { page, param, query, redirectWith, requirePermission, resourceAbilities, UiError, userOf, type UiContext } from "../context.ts";
import { renderPage } from "../render.ts";

const PAGE_SIZE = 100;

/**
 * Browse → SLA misses (Airflow 2's page: newest first, filterable by DAG) and Admin → Circuit breakers (state, counts,
 * opened-at, and a reset button: a CSRF-protected form, recorded in the audit log). Every UI user may read breakers;
 * resetting takes can_edit on Pools (Op, Admin), as in the REST API.
 */
export function resilienceRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/sla-misses", page(async (req, res) => {
    requirePermission(res, "can_read", Resource.SLA_MISS);
    const dagId = query(req, "dag_id") || null;
    const offset = Math.max(0, Number.parseInt(query(req, "offset") || "0", 10) || 0);
    const readable = await readableDagIds(ctx.db, userOf(res).role);
    const { misses, total } = await listSlaMisses(ctx.db, readable, dagId, PAGE_SIZE, offset);
    renderPage(res, "sla-misses", "SLA misses", {
      misses, total, dagId, next: offset + PAGE_SIZE < total ? offset + PAGE_SIZE : null, prev: offset > 0 ? Math.max(0, offset - PAGE_SIZE) : null,
    });
  }));

  router.get("/circuit-breakers", page(async (_req, res) => {
    requirePermission(res, "can_read", Resource.WEBSITE);
    const breakers = (await listBreakers(ctx.db)).map(breakerJson);
    renderPage(res, "circuit-breakers", "Circuit breakers", { breakers, can: resourceAbilities(res, Resource.POOL) });
  }));

  router.post("/circuit-breakers/:name/reset", page(async (req, res) => {
    requirePermission(res, "can_edit", Resource.POOL);
    const name = param(req, "name");
    const row = await resetBreaker(ctx.db, name);
    if (!row) throw new UiError(404, `No circuit breaker is named "${name}".`);
    await recordEvent(ctx.db, { event: "circuit_breaker.reset", owner: userOf(res).username, extra: JSON.stringify({ name }) });
    redirectWith(res, "/circuit-breakers", "info", `Circuit breaker "${name}" reset: it is closed and lets calls through.`);
  }));
}
