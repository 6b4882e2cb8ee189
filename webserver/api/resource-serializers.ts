import type { ConnectionRow } from "../../core/store/queries/connections.ts";
import type { DatasetEventRow, DatasetRow } from "../../core/store/queries/datasets.ts";
import type { EventLogRow } from "../../core/store/queries/event-log-list.ts";
import type { ImportErrorRow } from "../../core/store/queries/import-errors.ts";
import type { PoolUsage } from "../../core/store/queries/pool-slots.ts";
import type { VariableRow } from "../../core/store/queries/variables.ts";
import type { XComEntryRow } from "../../core/store/queries/xcom-list.ts";
import { iso } from "./serializers.ts";

/** VariableCollectionItem (no value, as Airflow lists them) and Variable. */
export const variableItemJson = (v: VariableRow) => ({ key: v.key, description: v.description });
export const variableJson = (v: VariableRow) => ({ key: v.key, value: v.val, description: v.description });

/** ConnectionCollectionItem and Connection: the password is never returned (it is write-only in the spec). */
export const connectionItemJson = (c: ConnectionRow) => ({
  connection_id: c.conn_id, conn_type: c.conn_type, description: c.description, host: c.host, login: c.login, schema: c.schema, port: c.port,
});
export const connectionJson = (c: ConnectionRow) => ({ ...connectionItemJson(c), extra: c.extra });

/** Pool, with its slots as Airflow counts them (open = slots − occupied; unlimited pools report -1 open). */
export function poolJson(p: PoolUsage) {
  const occupied = p.running + p.queued + (p.include_deferred ? p.deferred : 0);
  return {
    name: p.pool, slots: p.slots, occupied_slots: occupied, running_slots: p.running, queued_slots: p.queued,
    open_slots: p.slots === -1 ? -1 : p.slots - occupied, scheduled_slots: p.scheduled, deferred_slots: p.deferred,
    description: p.description, include_deferred: p.include_deferred,
  };
}

export const datasetJson = (d: DatasetRow) => ({
  id: d.id, uri: d.uri, extra: d.extra, created_at: iso(d.created_at)!, updated_at: iso(d.updated_at)!,
  consuming_dags: d.consuming_dag_ids.map((dagId) => ({ dag_id: dagId, created_at: iso(d.created_at)!, updated_at: iso(d.updated_at)! })),
  producing_tasks: [],
});

export const datasetEventJson = (e: DatasetEventRow) => ({
  dataset_id: e.dataset_id, dataset_uri: e.dataset_uri, extra: e.extra, source_dag_id: e.source_dag_id, source_task_id: e.source_task_id,
  source_run_id: e.source_run_id, source_map_index: e.source_map_index, created_dagruns: [], timestamp: iso(e.timestamp)!,
});

export const importErrorJson = (e: ImportErrorRow) => ({ import_error_id: e.id, timestamp: iso(e.timestamp)!, filename: e.filename, stack_trace: e.stacktrace });

export const eventLogJson = (e: EventLogRow) => ({
  event_log_id: e.id, when: iso(e.dttm)!, dag_id: e.dag_id, task_id: e.task_id, run_id: e.run_id, map_index: e.map_index,
  try_number: e.try_number, event: e.event, execution_date: iso(e.logical_date), owner: e.owner, extra: e.extra,
});

export const xcomItemJson = (x: XComEntryRow) => ({
  key: x.key, timestamp: iso(x.timestamp)!, execution_date: iso(x.logical_date)!, map_index: x.map_index, task_id: x.task_id, dag_id: x.dag_id,
});
