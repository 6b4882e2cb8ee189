import type { Queryable } from "../core/store/database.ts";

export interface SlaMissRow {
  task_id: string;
  dag_id: string;
  execution_date: Date;
  email_sent: boolean;
  timestamp: Date | null;
  description: string | null;
  notification_sent: boolean;
}

/**
 * Recorded SLA misses, newest first, of the given DAGs (null: every DAG), optionally one DAG. Parameters: dag_ids or
 * null, dag_id or null, limit, offset. Returns the page and the total.
 */
export async function listSlaMisses(db: Queryable, readable: string[] | null, dagId: string | null, limit: number, offset: number): Promise<{ misses: SlaMissRow[]; total: number }> {
  const where = "($1::text[] IS NULL OR dag_id = ANY($1::text[])) AND ($2::text IS NULL OR dag_id = $2)";
  const [{ rows }, { rows: count }] = await Promise.all([
    db.query<SlaMissRow>(`SELECT * FROM sla_miss WHERE ${where} ORDER BY timestamp DESC NULLS LAST, execution_date DESC, dag_id, task_id LIMIT $3 OFFSET $4`, [readable, dagId, limit, offset]),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla_miss WHERE ${where}`, [readable, dagId]),
  ]);
  return { misses: rows, total: count[0].n };
}

/** Airflow's SLAMiss JSON (airflow-v1.yaml components/schemas/SLAMiss). */
export function slaMissJson(row: SlaMissRow) {
  return {
    task_id: row.task_id, dag_id: row.dag_id, execution_date: row.execution_date.toISOString(), email_sent: row.email_sent,
    timestamp: row.timestamp?.toISOString() ?? null, description: row.description, notification_sent: row.notification_sent,
  };
}
