import type { SerializedDag } from "../../serialization.ts";
import type { Queryable } from "../database.ts";

export interface StoredDag {
  data: SerializedDag;
  dagHash: string;
  version: number;
}

/** The newest stored version of a DAG: what the scheduler and webserver work from (they never import DAG files). */
export async function latestSerializedDag(db: Queryable, dagId: string): Promise<StoredDag | null> {
  const { rows } = await db.query<{ data: SerializedDag; dag_hash: string; version: number }>(
    "SELECT data, dag_hash, version FROM serialized_dag WHERE dag_id = $1 ORDER BY version DESC LIMIT 1",
    [dagId],
  );
  const row = rows[0];
  return row ? { data: row.data, dagHash: row.dag_hash, version: row.version } : null;
}
