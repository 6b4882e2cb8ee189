import type { Queryable } from "../../../core/store/database.ts";
import type { DagDependency } from "../../../core/dag-dependencies.ts";

/** Pools with how many slots their TIs use now. No parameters. */
export async function listPoolUsage(db: Queryable) {
  const { rows } = await db.query<{ pool: string; slots: number; description: string; include_deferred: boolean; running: number; queued: number; scheduled: number }>(
    `SELECT p.pool, p.slots, p.description, p.include_deferred,
            coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'running'), 0)::int AS running,
            coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'queued'), 0)::int AS queued,
            coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'scheduled'), 0)::int AS scheduled
       FROM slot_pool p LEFT JOIN task_instance ti ON ti.pool = p.pool AND ti.state IN ('running', 'queued', 'scheduled')
      GROUP BY p.pool, p.slots, p.description, p.include_deferred ORDER BY p.pool`,
  );
  return rows;
}

/** Variables (the value is masked by the page when the key looks secret). No parameters. */
export async function listVariables(db: Queryable) {
  const { rows } = await db.query<{ key: string; val: string; description: string | null; is_encrypted: boolean }>(
    "SELECT key, val, description, is_encrypted FROM variable ORDER BY key",
  );
  return rows;
}

/** One variable, with whether it was stored encrypted (its value is then hidden as a secret one's). Parameters: key. */
export async function getVariableForUi(db: Queryable, key: string) {
  const { rows } = await db.query<{ key: string; val: string; description: string | null; is_encrypted: boolean }>(
    "SELECT key, val, description, is_encrypted FROM variable WHERE key = $1",
    [key],
  );
  return rows[0] ?? null;
}

/** Connections without their password or extra: the page never has them to leak. No parameters. */
export async function listConnections(db: Queryable) {
  const { rows } = await db.query<{ conn_id: string; conn_type: string; description: string | null; host: string | null; schema: string | null; login: string | null; port: number | null; has_password: boolean }>(
    `SELECT conn_id, conn_type, description, host, schema, login, port, (password IS NOT NULL AND password <> '') AS has_password
       FROM connection ORDER BY conn_id`,
  );
  return rows;
}

/** Datasets with their latest event and the DAGs that produce and consume them. No parameters. */
export async function listDatasets(db: Queryable) {
  const { rows } = await db.query<{ id: number; uri: string; created_at: Date; events: number; last_event: Date | null; last_source: string | null }>(
    `SELECT d.id, d.uri, d.created_at,
            (SELECT count(*)::int FROM dataset_event e WHERE e.dataset_id = d.id) AS events,
            e.timestamp AS last_event,
            CASE WHEN e.source_dag_id IS NULL THEN NULL ELSE e.source_dag_id || '.' || coalesce(e.source_task_id, '') END AS last_source
       FROM dataset d
       LEFT JOIN LATERAL (SELECT * FROM dataset_event e WHERE e.dataset_id = d.id ORDER BY e.timestamp DESC LIMIT 1) e ON true
      WHERE NOT d.is_orphaned
      ORDER BY d.uri`,
  );
  return rows;
}

export interface AuditFilter {
  dagId: string;
  event: string;
  owner: string;
  limit: number;
  offset: number;
}

/** The event (audit) log, newest first. Parameters: dag_id, event, owner ('' for any), limit, offset. */
export async function listAuditLog(db: Queryable, f: AuditFilter) {
  const { rows } = await db.query<{ id: number; dttm: Date; dag_id: string | null; task_id: string | null; run_id: string | null; event: string; owner: string | null; extra: string | null }>(
    `SELECT id, dttm, dag_id, task_id, run_id, event, owner, extra FROM log
      WHERE ($1 = '' OR dag_id = $1) AND ($2 = '' OR event = $2) AND ($3 = '' OR owner = $3)
      ORDER BY dttm DESC, id DESC LIMIT $4 OFFSET $5`,
    [f.dagId, f.event, f.owner, f.limit, f.offset],
  );
  return rows;
}

/**
 * Which active DAGs produce each dataset (a task lists it in `outlets`) and which are scheduled on it (its URI anywhere
 * in the DAG's dataset timetable), from each DAG's latest serialized version. No parameters.
 */
export async function datasetDags(db: Queryable): Promise<Array<{ uri: string; dag_id: string; role: "producer" | "consumer" }>> {
  const { rows } = await db.query<{ uri: string; dag_id: string; role: "producer" | "consumer" }>(
    `WITH latest AS (
       SELECT DISTINCT ON (s.dag_id) s.dag_id, s.data FROM serialized_dag s JOIN dag d ON d.dag_id = s.dag_id AND d.is_active
        ORDER BY s.dag_id, s.version DESC
     )
     SELECT DISTINCT o ->> 'uri' AS uri, l.dag_id, 'producer' AS role
       FROM latest l, jsonb_array_elements(l.data -> 'tasks') t, jsonb_array_elements(coalesce(t -> 'outlets', '[]'::jsonb)) o
      WHERE o ? 'uri'
     UNION
     SELECT DISTINCT u #>> '{}' AS uri, l.dag_id, 'consumer' AS role
       FROM latest l, jsonb_path_query(l.data -> 'timetable', 'lax $.**.uri') u
      ORDER BY 1, 3, 2`,
  );
  return rows;
}

/** Every active DAG's `dag_dependencies`, from its latest serialized version, with the DAG that declares each. No parameters. */
export async function listDagDependencies(db: Queryable): Promise<Array<{ dag_id: string; dependencies: DagDependency[] }>> {
  const { rows } = await db.query<{ dag_id: string; dependencies: DagDependency[] | null }>(
    `SELECT DISTINCT ON (s.dag_id) s.dag_id, s.data -> 'dag_dependencies' AS dependencies
       FROM serialized_dag s JOIN dag d ON d.dag_id = s.dag_id AND d.is_active
      ORDER BY s.dag_id, s.version DESC`,
  );
  return rows.map((r) => ({ dag_id: r.dag_id, dependencies: r.dependencies ?? [] }));
}

/** A dataset's most recent events. Parameters: uri, limit. */
export async function listDatasetEvents(db: Queryable, uri: string, limit: number) {
  const { rows } = await db.query<{ id: number; timestamp: Date; extra: Record<string, unknown>; source_dag_id: string | null; source_task_id: string | null; source_run_id: string | null; source_map_index: number | null }>(
    `SELECT e.id, e.timestamp, e.extra, e.source_dag_id, e.source_task_id, e.source_run_id, e.source_map_index
       FROM dataset_event e JOIN dataset d ON d.id = e.dataset_id
      WHERE d.uri = $1
      ORDER BY e.timestamp DESC, e.id DESC LIMIT $2`,
    [uri, limit],
  );
  return rows;
}

/** Dataset-triggered runs of these DAGs dated at or after `since`, oldest first. Parameters: dag ids, since. */
export async function datasetTriggeredRunsSince(db: Queryable, dagIds: string[], since: Date) {
  const { rows } = await db.query<{ dag_id: string; run_id: string; logical_date: Date; state: string }>(
    `SELECT dag_id, run_id, logical_date, state FROM dag_run
      WHERE dag_id = ANY($1::text[]) AND run_type = 'dataset_triggered' AND logical_date >= $2
      ORDER BY logical_date, id`,
    [dagIds, since],
  );
  return rows;
}
