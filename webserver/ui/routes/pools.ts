import type express from "express";
import type { Response } from "express";
import { RequestError } from "../../../core/runs/request-error.ts";
import { recordEvent } from "../../../core/store/queries/event-log.ts";
import { getPoolUsage, insertPool, updatePool } from "../../../core/store/queries/pool-slots.ts";
import { DEFAULT_POOL, deletePool, type PoolRow } from "../../../core/store/queries/pools.ts";
import { Resource } from "../../auth/permissions.ts";
import { checkSlots, DEFAULT_POOL_KEPT } from "../../resource-rules.ts";
import { page, param, redirectWith, requirePermission, resourceAbilities, UiError, userOf, type UiContext } from "../context.ts";
import { bodyOf, changeOrReshow, flag, text } from "../form.ts";
import { listPoolUsage } from "../queries/admin.ts";
import { renderPage } from "../render.ts";

const P = Resource.POOL;

interface PoolForm {
  name: string;
  slots: string;
  description: string;
  include_deferred: boolean;
}

/** The form's slots as a number: a whole number ≥ -1, else the REST API's 400. */
const slotsOf = (given: string) => checkSlots(/^-?\d{1,10}$/.test(given) ? Number(given) : null);

/** Pools: list, add, edit (slots, description, include_deferred), delete (never default_pool), as the REST API does them. */
export function poolRoutes(router: express.Router, ctx: UiContext): void {
  const showForm = (res: Response, form: PoolForm, extra: { creating?: boolean; error?: string } = {}, status = 200) =>
    renderPage(res, "pool-form", extra.creating ? "Add pool" : `Edit pool ${form.name}`, { form, ...extra }, status);

  const requirePool = async (name: string) => {
    const found = await getPoolUsage(ctx.db, name);
    if (!found) throw new UiError(404, `Pool "${name}" does not exist.`);
    return found;
  };

  router.get("/pools", page(async (_req, res) => {
    requirePermission(res, "can_read", P);
    const pools = (await listPoolUsage(ctx.db)).map((p) => ({
      ...p, open: p.slots < 0 ? "∞" : p.slots - p.running - p.queued, unlimited: p.slots < 0, isDefault: p.pool === DEFAULT_POOL,
    }));
    renderPage(res, "pools", "Pools", { pools, can: resourceAbilities(res, P), defaultPoolKept: DEFAULT_POOL_KEPT });
  }));

  router.get("/pools/new", page(async (_req, res) => {
    requirePermission(res, "can_create", P);
    showForm(res, { name: "", slots: "", description: "", include_deferred: false }, { creating: true });
  }));

  router.post("/pools", page(async (req, res) => {
    requirePermission(res, "can_create", P);
    const body = bodyOf(req);
    const form = { name: text(body, "name"), slots: text(body, "slots"), description: text(body, "description"), include_deferred: flag(body, "include_deferred") };
    await changeOrReshow(async () => {
      if (!form.name) throw new RequestError(400, "The name is empty: give the pool a name (e.g. warehouse).");
      const pool: PoolRow = { pool: form.name, slots: slotsOf(form.slots), description: form.description, include_deferred: form.include_deferred };
      await ctx.db.transaction(async (tx) => {
        if (!(await insertPool(tx, pool))) throw new RequestError(409, `Pool "${form.name}" already exists: edit it from the list instead, or choose another name.`);
        await recordEvent(tx, { event: "pool.create", owner: userOf(res).username, extra: JSON.stringify({ pool: pool.pool, slots: pool.slots }) });
      });
      redirectWith(res, "/pools", "info", `Pool "${pool.pool}" added.`);
    }, (error, status) => showForm(res, form, { creating: true, error }, status));
  }));

  router.get("/pools/:name/edit", page(async (req, res) => {
    requirePermission(res, "can_edit", P);
    const current = await requirePool(param(req, "name"));
    showForm(res, { name: current.pool, slots: String(current.slots), description: current.description, include_deferred: current.include_deferred });
  }));

  router.post("/pools/:name", page(async (req, res) => {
    requirePermission(res, "can_edit", P);
    const current = await requirePool(param(req, "name"));
    const body = bodyOf(req);
    const form = { name: current.pool, slots: text(body, "slots"), description: text(body, "description"), include_deferred: flag(body, "include_deferred") };
    await changeOrReshow(async () => {
      const pool: PoolRow = { pool: current.pool, slots: slotsOf(form.slots), description: form.description, include_deferred: form.include_deferred };
      await ctx.db.transaction(async (tx) => {
        await updatePool(tx, current.pool, pool);
        await recordEvent(tx, { event: "pool.edit", owner: userOf(res).username, extra: JSON.stringify({ from: current.pool, ...pool }) });
      });
      redirectWith(res, "/pools", "info", `Pool "${pool.pool}" saved.`);
    }, (error, status) => showForm(res, form, { error }, status));
  }));

  router.post("/pools/:name/delete", page(async (req, res) => {
    requirePermission(res, "can_delete", P);
    const name = param(req, "name");
    if (name === DEFAULT_POOL) throw new UiError(400, DEFAULT_POOL_KEPT);
    await ctx.db.transaction(async (tx) => {
      if (!(await deletePool(tx, name))) throw new RequestError(404, `Pool "${name}" does not exist.`);
      await recordEvent(tx, { event: "pool.delete", owner: userOf(res).username, extra: JSON.stringify({ pool: name }) });
    });
    redirectWith(res, "/pools", "info", `Pool "${name}" deleted. Tasks still using it stay scheduled until it exists again.`);
  }));
}
