import type { Queryable } from "../database.ts";

/**
 * Pools (`slot_pool`): named numbers of slots that limit how many task instances using them are queued or running at
 * once. The scheduler reads them in its critical section (scheduler/queue-tasks.ts); these statements are how they are
 * created, changed, listed and removed (`updraft pools …`, and later the REST API).
 */
export interface PoolRow {
  pool: string;
  /** -1 = unlimited. */
  slots: number;
  description: string;
  include_deferred: boolean;
}

/** Created with the schema; every task without a `pool` uses it. It can be resized but never deleted (as in Airflow). */
export const DEFAULT_POOL = "default_pool";

/** Creates the pool or changes its slots and description. Parameters: pool, slots, description. */
export async function setPool(db: Queryable, pool: string, slots: number, description: string): Promise<PoolRow> {
  const { rows } = await db.query<PoolRow>(
    `INSERT INTO slot_pool (pool, slots, description) VALUES ($1, $2, $3)
     ON CONFLICT (pool) DO UPDATE SET slots = EXCLUDED.slots, description = EXCLUDED.description
     RETURNING pool, slots, description, include_deferred`,
    [pool, slots, description],
  );
  return rows[0];
}

export async function listPools(db: Queryable): Promise<PoolRow[]> {
  const { rows } = await db.query<PoolRow>("SELECT pool, slots, description, include_deferred FROM slot_pool ORDER BY pool");
  return rows;
}

/** Removes the pool and returns it, or null when there is none by that name. Tasks in it then stay `scheduled`. */
export async function deletePool(db: Queryable, pool: string): Promise<PoolRow | null> {
  const { rows } = await db.query<PoolRow>("DELETE FROM slot_pool WHERE pool = $1 RETURNING pool, slots, description, include_deferred", [pool]);
  return rows[0] ?? null;
}
