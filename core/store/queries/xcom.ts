import type { XComPullArgs } from "../../context.ts";
import { RETURN_VALUE_KEY, type JsonValue } from "../../types.ts";
import type { Queryable } from "../database.ts";
import type { TiKey } from "./task-instances.ts";

/** Writes one XCom of a TI (replacing the same key). Parameters: dag_id, run_id, task_id, map_index, key, value. */
export async function pushXCom(db: Queryable, ti: TiKey, key: string, value: JsonValue): Promise<void> {
  await db.query(
    `INSERT INTO xcom (dag_id, run_id, task_id, map_index, key, value) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (dag_id, run_id, task_id, map_index, key) DO UPDATE SET value = EXCLUDED.value, timestamp = now()`,
    [ti.dagId, ti.runId, ti.taskId, ti.mapIndex, key, JSON.stringify(value)],
  );
}

/** Airflow clears a TI's XComs at the start of each try. */
export async function clearXComs(db: Queryable, ti: TiKey): Promise<void> {
  await db.query("DELETE FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4", [ti.dagId, ti.runId, ti.taskId, ti.mapIndex]);
}

/**
 * Airflow's `xcom_pull` within one run (§10 of the semantics reference): one task id and no list of map indexes
 * gives one value, or every map index's value in order when that task is mapped; lists give lists; missing values are
 * left out; nothing found gives `default`.
 */
export async function pullXCom(db: Queryable, caller: TiKey, args: XComPullArgs): Promise<unknown> {
  const key = args.key === undefined ? RETURN_VALUE_KEY : args.key;
  const dagId = args.dagId ?? caller.dagId;
  const taskIds = args.taskIds === undefined || args.taskIds === null ? null : Array.isArray(args.taskIds) ? args.taskIds : [args.taskIds];
  const mapIndexes = args.mapIndexes === undefined || args.mapIndexes === null ? null : Array.isArray(args.mapIndexes) ? args.mapIndexes : [args.mapIndexes];
  const { rows } = await db.query<{ task_id: string; map_index: number; value: JsonValue }>(
    `SELECT task_id, map_index, value FROM xcom
      WHERE dag_id = $1 AND run_id = $2
        AND ($3::text[] IS NULL OR task_id = ANY($3::text[]))
        AND ($4::text IS NULL OR key = $4)
        AND ($5::int[] IS NULL OR map_index = ANY($5::int[]))
      ORDER BY timestamp DESC`,
    [dagId, caller.runId, taskIds, key, mapIndexes],
  );
  const single = typeof args.taskIds === "string" && !Array.isArray(args.mapIndexes);
  if (single) {
    const forTask = rows.filter((r) => r.task_id === args.taskIds);
    if (mapIndexes === null) {
      const mapped = forTask.some((r) => r.map_index >= 0) || (await isMapped(db, dagId, caller.runId, args.taskIds as string));
      if (mapped) return forTask.filter((r) => r.map_index >= 0).sort((a, b) => a.map_index - b.map_index).map((r) => r.value);
    }
    return forTask[0]?.value ?? args.default;
  }
  if (taskIds === null && !Array.isArray(args.mapIndexes)) return rows.find((r) => r.task_id !== caller.taskId)?.value ?? args.default;
  // Ordered as the task ids are given, then as the map indexes are given (or by map index).
  const order = new Map((taskIds ?? []).map((id, i) => [id, i]));
  const indexOrder = new Map((mapIndexes ?? []).map((mapIndex, i) => [mapIndex, i]));
  const position = (mapIndex: number) => indexOrder.get(mapIndex) ?? mapIndex;
  return rows
    .sort((a, b) => (order.get(a.task_id) ?? 0) - (order.get(b.task_id) ?? 0) || position(a.map_index) - position(b.map_index))
    .map((r) => r.value);
}

async function isMapped(db: Queryable, dagId: string, runId: string, taskId: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index >= 0 LIMIT 1", [dagId, runId, taskId]);
  return rows.length > 0;
}

/**
 * Lengths to expand mapped tasks by (Airflow's task_map): for each source task, the item count of its XCom when it is
 * unmapped, or the number of its TIs that pushed one once they all finished. Parameters: dag_id, run_id, task_id[], key[].
 */
export async function mapLengths(db: Queryable, dagId: string, runId: string, sources: ReadonlyArray<{ taskId: string; key: string }>): Promise<Map<string, number | null>> {
  const lengths = new Map<string, number | null>();
  if (!sources.length) return lengths;
  const { rows } = await db.query<{ task_id: string; key: string; mapped: boolean; unfinished: number; pushed: number; len: number | null }>(
    `SELECT s.task_id, s.key,
            bool_or(ti.map_index >= 0) AS mapped,
            count(*) FILTER (WHERE ti.state IS NULL OR ti.state NOT IN ('success', 'skipped', 'failed', 'upstream_failed', 'removed'))::int AS unfinished,
            count(x.value)::int AS pushed,
            max(CASE jsonb_typeof(x.value) WHEN 'array' THEN jsonb_array_length(x.value)
                     WHEN 'object' THEN (SELECT count(*) FROM jsonb_object_keys(x.value))::int END) AS len
       FROM unnest($3::text[], $4::text[]) AS s(task_id, key)
       JOIN task_instance ti ON ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = s.task_id
       LEFT JOIN xcom x ON x.dag_id = ti.dag_id AND x.run_id = ti.run_id AND x.task_id = ti.task_id AND x.map_index = ti.map_index AND x.key = s.key
      GROUP BY s.task_id, s.key`,
    [dagId, runId, sources.map((s) => s.taskId), sources.map((s) => s.key)],
  );
  for (const row of rows) {
    const value = row.mapped ? (row.unfinished > 0 ? null : row.pushed) : row.len;
    lengths.set(`${row.task_id}\u0000${row.key}`, value);
  }
  return lengths;
}
