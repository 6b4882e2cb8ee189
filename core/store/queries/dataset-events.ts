import { normalizeDatasetUri } from "../../dataset.ts";
import { conditionUris } from "../../timetables/dataset-triggered.ts";
import type { SerializedTimetable } from "../../timetables/types.ts";
import type { JsonObject } from "../../types.ts";
import type { Queryable } from "../database.ts";

export interface OutletEvent {
  uri: string;
  extra: JsonObject;
}

export interface EventSource {
  dagId: string | null;
  runId: string | null;
  taskId: string | null;
  mapIndex: number | null;
}

/**
 * Airflow's DatasetManager.register_dataset_change: for each updated dataset, a dataset event (with the producing try
 * as its source), and a queue row for every DAG scheduled on it that is active and unpaused right now (an existing
 * row is kept). Run it in the transaction that records the producer's success. Returns the DAG ids queued.
 */
export async function recordDatasetEvents(tx: Queryable, source: EventSource, events: readonly OutletEvent[]): Promise<string[]> {
  if (!events.length) return [];
  const consumers = await datasetConsumers(tx);
  const queued = new Set<string>();
  for (const event of events) {
    const uri = normalizeDatasetUri(event.uri);
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO dataset (uri) VALUES ($1) ON CONFLICT (uri) DO UPDATE SET updated_at = now(), is_orphaned = false RETURNING id`,
      [uri],
    );
    const datasetId = rows[0].id;
    await tx.query(
      `INSERT INTO dataset_event (dataset_id, extra, source_dag_id, source_task_id, source_run_id, source_map_index) VALUES ($1, $2, $3, $4, $5, $6)`,
      [datasetId, JSON.stringify(event.extra ?? {}), source.dagId, source.taskId, source.runId, source.mapIndex],
    );
    const targets = consumers.filter((c) => c.uris.includes(uri)).map((c) => c.dagId);
    if (!targets.length) continue;
    await tx.query(
      `INSERT INTO dataset_dag_run_queue (dataset_id, target_dag_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [datasetId, targets],
    );
    for (const dagId of targets) queued.add(dagId);
  }
  return [...queued];
}

/** Active, unpaused DAGs whose latest version is scheduled on datasets, with the URIs their condition names. */
async function datasetConsumers(tx: Queryable): Promise<Array<{ dagId: string; uris: string[] }>> {
  const { rows } = await tx.query<{ dag_id: string; timetable: SerializedTimetable }>(
    `SELECT latest.dag_id, latest.timetable FROM (
        SELECT DISTINCT ON (s.dag_id) s.dag_id, s.data->'timetable' AS timetable FROM serialized_dag s ORDER BY s.dag_id, s.version DESC
     ) latest JOIN dag d ON d.dag_id = latest.dag_id
      WHERE d.is_active AND NOT d.is_paused AND latest.timetable->>'type' IN ('dataset', 'dataset_or_time')`,
  );
  return rows.map((r) => ({ dagId: r.dag_id, uris: "condition" in r.timetable ? conditionUris(r.timetable.condition) : [] }));
}
