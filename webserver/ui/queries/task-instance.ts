import type { Queryable } from "../../../core/store/database.ts";
import type { TiKey } from "../../../core/store/queries/task-instances.ts";
import type { JsonValue } from "../../../core/types.ts";

export interface TryRow {
  try_number: number;
  state: string | null;
  start_date: Date | null;
  end_date: Date | null;
  duration: number | null;
  hostname: string;
  error: string | null;
}

/** The finished tries of a TI (task_instance_history), oldest first. Parameters: the TI key. */
export async function listTries(db: Queryable, key: TiKey): Promise<TryRow[]> {
  const { rows } = await db.query<TryRow>(
    `SELECT try_number, state, start_date, end_date, duration, hostname, error FROM task_instance_history
      WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4 ORDER BY try_number`,
    [key.dagId, key.runId, key.taskId, key.mapIndex],
  );
  return rows;
}

/** The TI's templated fields as rendered by its last try, or null. Parameters: the TI key. */
export async function renderedFields(db: Queryable, key: TiKey): Promise<Record<string, JsonValue> | null> {
  const { rows } = await db.query<{ rendered_fields: Record<string, JsonValue> }>(
    "SELECT rendered_fields FROM rendered_task_instance_fields WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4",
    [key.dagId, key.runId, key.taskId, key.mapIndex],
  );
  return rows[0]?.rendered_fields ?? null;
}

/** The TI's XCom entries. Parameters: the TI key. */
export async function listXComs(db: Queryable, key: TiKey): Promise<Array<{ key: string; value: JsonValue; timestamp: Date }>> {
  const { rows } = await db.query<{ key: string; value: JsonValue; timestamp: Date }>(
    "SELECT key, value, timestamp FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4 ORDER BY key",
    [key.dagId, key.runId, key.taskId, key.mapIndex],
  );
  return rows;
}

/** The map indexes of a mapped task in a run, with their states. Parameters: dag_id, run_id, task_id. */
export async function listMappedInstances(db: Queryable, dagId: string, runId: string, taskId: string): Promise<Array<{ map_index: number; state: string | null; rendered_map_index: string | null }>> {
  const { rows } = await db.query<{ map_index: number; state: string | null; rendered_map_index: string | null }>(
    "SELECT map_index, state, rendered_map_index FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index >= 0 ORDER BY map_index",
    [dagId, runId, taskId],
  );
  return rows;
}
