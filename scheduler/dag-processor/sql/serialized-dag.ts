import type { Queryable } from "../../../core/store/database.ts";
import type { SerializedDag } from "../../../core/serialization.ts";

/**
 * Makes this hash the DAG's latest version, unless it already is. A new hash becomes version max + 1; a hash seen
 * before (a change reverted) moves up to max + 1 again, since (dag_id, dag_hash) is unique. Returns the new version
 * number, or null when the DAG did not change. Callers hold the DAG store lock, so max + 1 is never taken twice.
 * Parameters: $1 dag_id, $2 dag_hash, $3 data (JSON).
 */
export async function storeDagVersion(tx: Queryable, dagId: string, dagHash: string, data: SerializedDag): Promise<number | null> {
  const { rows } = await tx.query<{ version: number }>(
    `WITH latest AS (
       SELECT version, dag_hash FROM serialized_dag WHERE dag_id = $1 ORDER BY version DESC LIMIT 1
     )
     INSERT INTO serialized_dag (dag_id, dag_hash, version, data)
     SELECT $1, $2, coalesce((SELECT version FROM latest), 0) + 1, $3::jsonb
      WHERE NOT EXISTS (SELECT 1 FROM latest WHERE dag_hash = $2)
     ON CONFLICT (dag_id, dag_hash) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data, created_at = now()
     RETURNING version`,
    [dagId, dagHash, JSON.stringify(data)],
  );
  return rows[0]?.version ?? null;
}
