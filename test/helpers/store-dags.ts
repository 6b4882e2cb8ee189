import type { DAG } from "../../core/dag.ts";
import { dagVersionHash, serializeDag } from "../../core/serialization.ts";
import type { Database } from "../../core/store/database.ts";

/** Stores DAGs as the DAG processor does (dag row + serialized version), for scheduler tests that need no parsing. */
export async function storeDags(db: Database, dags: DAG[], options: { paused?: boolean } = {}): Promise<void> {
  for (const dag of dags) {
    const serialized = serializeDag(dag);
    const hash = dagVersionHash(serialized);
    await db.query(
      `INSERT INTO dag (dag_id, fileloc, is_paused, owners, description, timetable_summary, tags, max_active_runs, max_active_tasks, dag_hash, last_parsed_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (dag_id) DO UPDATE SET fileloc = EXCLUDED.fileloc, dag_hash = EXCLUDED.dag_hash, is_active = true`,
      [dag.dagId, dag.fileloc, options.paused ?? false, serialized.owner, serialized.description, serialized.schedule_summary,
        JSON.stringify(serialized.tags), serialized.max_active_runs, serialized.max_active_tasks, hash],
    );
    await db.query(
      `INSERT INTO serialized_dag (dag_id, dag_hash, version, data)
       VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM serialized_dag WHERE dag_id = $1), $3)
       ON CONFLICT DO NOTHING`,
      [dag.dagId, hash, serialized],
    );
  }
}
