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
    for (const dagId of await queueConsumers(tx, datasetId, uri, consumers)) queued.add(dagId);
  }
  return [...queued];
}

/**
 * Queues a run of every active, unpaused DAG scheduled on this dataset (for an event recorded another way, e.g. through
 * the REST API). Returns the DAG ids queued.
 */
export async function queueConsumers(tx: Queryable, datasetId: number, uri: string, consumers?: Array<{ dagId: string; uris: string[] }>): Promise<string[]> {
  const targets = (consumers ?? (await datasetConsumers(tx))).filter((c) => c.uris.includes(uri)).map((c) => c.dagId);
  if (targets.length) {
    await tx.query(`INSERT INTO dataset_dag_run_queue (dataset_id, target_dag_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [datasetId, targets]);
  }
  return targets;
}

/** Makes the datasets these URIs name known (a DAG declares them as outlets or in its schedule), as Airflow lists them. */
export async function registerDatasets(tx: Queryable, uris: readonly string[]): Promise<void> {
  if (uris.length) await tx.query("INSERT INTO dataset (uri) SELECT unnest($1::text[]) ON CONFLICT (uri) DO UPDATE SET is_orphaned = false", [[...new Set(uris)]]);
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

/** A dataset event as a task's context shows it (`triggering_dataset_events`). */
export interface DatasetEventRow {
  uri: string;
  extra: JsonObject;
  timestamp: Date;
  source_dag_id: string | null;
  source_task_id: string | null;
  source_run_id: string | null;
  source_map_index: number | null;
}

/** A consumed event, with the data interval of the run that produced it (when a run did). */
export interface ConsumedEvent extends DatasetEventRow {
  source_interval_start: Date | null;
  source_interval_end: Date | null;
}

/**
 * The events a dataset-triggered run of `dagId` at `logicalDate` consumes (Airflow): those of these datasets up to its
 * logical date and after the DAG's previous dataset-triggered run, compared at the millisecond, the precision run dates
 * keep. Used to date a new run (scheduler/dataset-runs.ts) and to show a run what triggered it.
 */
export async function consumedDatasetEvents(db: Queryable, dagId: string, uris: readonly string[], logicalDate: Date): Promise<ConsumedEvent[]> {
  const { rows } = await db.query<ConsumedEvent>(
    `SELECT ds.uri, e.extra, e.timestamp, e.source_dag_id, e.source_task_id, e.source_run_id, e.source_map_index,
            r.data_interval_start AS source_interval_start, r.data_interval_end AS source_interval_end
       FROM dataset_event e JOIN dataset ds ON ds.id = e.dataset_id
       LEFT JOIN dag_run r ON r.dag_id = e.source_dag_id AND r.run_id = e.source_run_id
      WHERE ds.uri = ANY($2::text[]) AND date_trunc('milliseconds', e.timestamp) <= $3
        AND date_trunc('milliseconds', e.timestamp) > coalesce(
          (SELECT max(logical_date) FROM dag_run WHERE dag_id = $1 AND run_type = 'dataset_triggered' AND logical_date < $3), '-infinity'::timestamptz)
      ORDER BY e.timestamp, e.id`,
    [dagId, uris, logicalDate],
  );
  return rows;
}

/** What a dataset-triggered run consumed, by URI (Airflow's `triggering_dataset_events`). */
export async function triggeringDatasetEvents(db: Queryable, dagId: string, logicalDate: Date): Promise<Record<string, DatasetEventRow[]>> {
  const { rows: latest } = await db.query<{ timetable: SerializedTimetable }>(
    "SELECT data->'timetable' AS timetable FROM serialized_dag WHERE dag_id = $1 ORDER BY version DESC LIMIT 1", [dagId]);
  const timetable = latest[0]?.timetable;
  if (!timetable || !("condition" in timetable)) return {};
  const byUri: Record<string, DatasetEventRow[]> = {};
  for (const { source_interval_start: _start, source_interval_end: _end, ...event } of await consumedDatasetEvents(db, dagId, conditionUris(timetable.condition), logicalDate)) {
    (byUri[event.uri] ??= []).push(event);
  }
  return byUri;
}

/** The latest `limit` events of one dataset, oldest first (`inlet_events`). Parameters: uri, limit. */
export async function eventsOfDataset(db: Queryable, uri: string, limit: number): Promise<DatasetEventRow[]> {
  const { rows } = await db.query<DatasetEventRow>(
    `SELECT * FROM (
       SELECT ds.uri, e.extra, e.timestamp, e.source_dag_id, e.source_task_id, e.source_run_id, e.source_map_index, e.id
         FROM dataset_event e JOIN dataset ds ON ds.id = e.dataset_id
        WHERE ds.uri = $1 ORDER BY e.timestamp DESC, e.id DESC LIMIT $2
     ) latest ORDER BY timestamp, id`,
    [uri, limit],
  );
  return rows.map(({ uri, extra, timestamp, source_dag_id, source_task_id, source_run_id, source_map_index }) => ({ uri, extra, timestamp, source_dag_id, source_task_id, source_run_id, source_map_index }));
}
