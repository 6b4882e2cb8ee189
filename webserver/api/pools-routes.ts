import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import { getPoolUsage, insertPool, listPoolUsage, POOL_ORDER_COLUMNS, updatePool } from "../../core/store/queries/pool-slots.ts";
import { DEFAULT_POOL, deletePool, type PoolRow } from "../../core/store/queries/pools.ts";
import { Resource } from "../auth/permissions.ts";
import { checkSlots, DEFAULT_POOL_KEPT } from "../resource-rules.ts";
import { audit, bool, list, num, str } from "./call-values.ts";
import { NO_CONTENT, route } from "./route.ts";
import { poolJson } from "./resource-serializers.ts";

const P = Resource.POOL;
const FIELDS = ["name", "slots", "description", "include_deferred"];

async function requirePool(db: Database, name: string) {
  const pool = await getPoolUsage(db, name);
  if (!pool) throw new RequestError(404, `Pool "${name}" does not exist (GET /pools lists them).`);
  return pool;
}

/** Pools: list, get, create, update (with update_mask), delete (never default_pool). */
export function poolsRoutes(router: express.Router, db: Database): void {
  route(router, db, "get_pools", { resource: P, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const { pools, total } = await listPoolUsage(db, orderByClause(call.query.order_by, POOL_ORDER_COLUMNS, "name", "p.pool"), limit, offset);
    return { pools: pools.map(poolJson), total_entries: total };
  });

  route(router, db, "get_pool", { resource: P, action: "can_read" }, async (call) => poolJson(await requirePool(db, call.params.pool_name)));

  route(router, db, "post_pool", { resource: P, action: "can_create" }, async (call) => {
    const name = str(call.body, "name");
    if (!name) throw new RequestError(400, 'Give the pool\'s "name" and "slots".');
    const pool: PoolRow = { pool: name, slots: checkSlots(num(call.body, "slots")), description: str(call.body, "description") ?? "", include_deferred: bool(call.body, "include_deferred") ?? false };
    await db.transaction(async (tx) => {
      if (!(await insertPool(tx, pool))) throw new RequestError(409, `Pool "${name}" already exists: PATCH /pools/${name} to change it.`);
      await audit(tx, call, "pool.create", { extra: JSON.stringify({ pool: name, slots: pool.slots }) });
    });
    return poolJson(await requirePool(db, name));
  });

  route(router, db, "patch_pool", { resource: P, action: "can_edit" }, async (call) => {
    const name = call.params.pool_name;
    const current = await requirePool(db, name);
    const mask = list(call.query, "update_mask");
    const unknown = mask.filter((f) => !FIELDS.includes(f));
    if (unknown.length) throw new RequestError(400, `update_mask names unknown field(s) ${unknown.join(", ")}: use ${FIELDS.join(", ")}.`);
    const take = (f: string) => (mask.length ? mask.includes(f) : call.body[f] !== undefined);
    const newName = take("name") ? str(call.body, "name") : name;
    if (!newName) throw new RequestError(400, "name must be a non-empty string.");
    if (name === DEFAULT_POOL && newName !== DEFAULT_POOL) throw new RequestError(400, "default_pool cannot be renamed (every task without a pool uses it).");
    const pool: PoolRow = {
      pool: newName,
      slots: take("slots") ? checkSlots(num(call.body, "slots")) : current.slots,
      description: take("description") ? (str(call.body, "description") ?? "") : current.description,
      include_deferred: take("include_deferred") ? (bool(call.body, "include_deferred") ?? false) : current.include_deferred,
    };
    if (newName !== name && (await getPoolUsage(db, newName))) throw new RequestError(409, `Pool "${newName}" already exists.`);
    await db.transaction(async (tx) => {
      await updatePool(tx, name, pool);
      await audit(tx, call, "pool.edit", { extra: JSON.stringify({ from: name, ...pool }) });
    });
    return poolJson(await requirePool(db, newName));
  });

  route(router, db, "delete_pool", { resource: P, action: "can_delete" }, async (call) => {
    const name = call.params.pool_name;
    if (name === DEFAULT_POOL) throw new RequestError(400, DEFAULT_POOL_KEPT);
    await db.transaction(async (tx) => {
      if (!(await deletePool(tx, name))) throw new RequestError(404, `Pool "${name}" does not exist.`);
      await audit(tx, call, "pool.delete", { extra: JSON.stringify({ pool: name }) });
    });
    return NO_CONTENT;
  });
}
