import type { Queryable } from "../database.ts";
import type { PoolRow } from "./pools.ts";

/** A pool with how its slots are used now (Airflow's Pool API object). */
export type PoolUsage = PoolRow & { running: number; queued: number; scheduled: number; deferred: number };

export const POOL_ORDER_COLUMNS = { name: "p.pool", pool: "p.pool", slots: "p.slots", id: "p.pool" } as const;

const SELECT = `SELECT p.pool, p.slots, p.description, p.include_deferred,
         coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'running'), 0)::int AS running,
         coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'queued'), 0)::int AS queued,
         coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'scheduled'), 0)::int AS scheduled,
         coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'deferred'), 0)::int AS deferred
    FROM slot_pool p LEFT JOIN task_instance ti ON ti.pool = p.pool AND ti.state IN ('running', 'queued', 'scheduled', 'deferred')`;

/** A page of pools with their usage, and how many pools there are. Parameters: limit, offset. */
export async function listPoolUsage(db: Queryable, order: string, limit: number, offset: number): Promise<{ pools: PoolUsage[]; total: number }> {
  const { rows } = await db.query<PoolUsage>(`${SELECT} GROUP BY p.pool ${order} LIMIT $1 OFFSET $2`, [limit, offset]);
  const { rows: count } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM slot_pool");
  return { pools: rows, total: count[0].n };
}

/** One pool with its usage. Parameters: pool. */
export async function getPoolUsage(db: Queryable, pool: string): Promise<PoolUsage | null> {
  const { rows } = await db.query<PoolUsage>(`${SELECT} WHERE p.pool = $1 GROUP BY p.pool`, [pool]);
  return rows[0] ?? null;
}

/** Creates a pool; null when the name is taken. Parameters: pool, slots, description, include_deferred. */
export async function insertPool(db: Queryable, p: PoolRow): Promise<boolean> {
  const { rowCount } = await db.query(
    "INSERT INTO slot_pool (pool, slots, description, include_deferred) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    [p.pool, p.slots, p.description, p.include_deferred],
  );
  return rowCount === 1;
}

/** Replaces a pool's fields (its name may change). Parameters: old pool, pool, slots, description, include_deferred. */
export async function updatePool(db: Queryable, name: string, p: PoolRow): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE slot_pool SET pool = $2, slots = $3, description = $4, include_deferred = $5 WHERE pool = $1",
    [name, p.pool, p.slots, p.description, p.include_deferred],
  );
  return rowCount === 1;
}
