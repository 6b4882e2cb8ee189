import type { TaskState } from "../../types.ts";
import type { Queryable } from "../database.ts";

/** A TI that a "mark success/failed/skipped" takes, as it was found. */
export interface TiToMark {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  state: TaskState;
}

/** Which TIs of one DAG a mark takes: (task, map index or every index) pairs, in runs whose logical date is in range. */
export interface MarkFilter {
  taskIds: readonly string[];
  /** Parallel to taskIds: one map index, or null for every map index of that task. */
  mapIndexes: ReadonlyArray<number | null>;
  logicalDateGte: Date | null;
  logicalDateLte: Date | null;
  /** TIs already in this state are left out (Airflow's set_state alters only TIs that change). */
  state: string;
}

/**
 * The TIs a mark takes, oldest run first, locked (FOR UPDATE) when `lock` so the guarded update sees them as found.
 * Parameters: dag_id, task_id[], map_index[] (null = any), logical_date_gte, logical_date_lte, state.
 */
export async function selectTaskInstancesToMark(db: Queryable, dagId: string, filter: MarkFilter, lock = false): Promise<TiToMark[]> {
  const { rows } = await db.query<TiToMark>(
    `SELECT ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.state
       FROM task_instance ti
       JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
       JOIN unnest($2::text[], $3::int[]) AS k(task_id, map_index)
         ON k.task_id = ti.task_id AND (k.map_index IS NULL OR k.map_index = ti.map_index)
      WHERE ti.dag_id = $1
        AND ($4::timestamptz IS NULL OR r.logical_date >= $4)
        AND ($5::timestamptz IS NULL OR r.logical_date <= $5)
        AND ti.state IS DISTINCT FROM $6
      ORDER BY r.logical_date, ti.run_id, ti.task_id, ti.map_index
      ${lock ? "FOR UPDATE OF ti" : ""}`,
    [dagId, filter.taskIds, filter.mapIndexes, filter.logicalDateGte, filter.logicalDateLte, filter.state],
  );
  return rows;
}

/**
 * Sets the TIs' state as Airflow's `TaskInstance.set_state` does: start_date kept or now, end_date kept or now for a
 * finished state, duration from them. Each row is guarded on the state it was found in.
 * Parameters: dag_id, run_id[], task_id[], map_index[], from_state[], state.
 */
export async function setTaskInstanceStates(tx: Queryable, dagId: string, tis: readonly TiToMark[], state: string): Promise<TiToMark[]> {
  if (!tis.length) return [];
  const { rows } = await tx.query<TiToMark>(
    `UPDATE task_instance ti
        SET state = $6,
            start_date = coalesce(ti.start_date, now()),
            end_date = coalesce(ti.end_date, now()),
            duration = extract(epoch FROM coalesce(ti.end_date, now()) - coalesce(ti.start_date, now())),
            updated_at = now()
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[]) AS c(run_id, task_id, map_index, from_state)
      WHERE ti.dag_id = $1 AND ti.run_id = c.run_id AND ti.task_id = c.task_id AND ti.map_index = c.map_index
        AND ti.state IS NOT DISTINCT FROM c.from_state
     RETURNING ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.state`,
    [dagId, tis.map((t) => t.run_id), tis.map((t) => t.task_id), tis.map((t) => t.map_index), tis.map((t) => t.state), state],
  );
  return rows;
}
