import type { ExternalStates, ExternalStatesQuery } from "../../deferral.ts";
import { RequestError } from "../../runs/request-error.ts";
import { requireDag, requireSerializedDag } from "../../runs/require-dag.ts";
import type { Queryable } from "../database.ts";

/**
 * The states of another DAG's targets at some logical dates (ExternalTaskSensor, WorkflowTrigger): its runs' states
 * without task ids; else its TIs of those tasks (or of the tasks of a task group). With `checkExistence`, a DAG, task or
 * group that does not exist is a 404 naming it (Airflow's check_existence).
 * Parameters: dag_id, task_id[] (or none for runs), logical_date[].
 */
export async function externalStates(db: Queryable, query: ExternalStatesQuery): Promise<ExternalStates> {
  let taskIds = query.taskIds ? [...query.taskIds] : null;
  if (query.checkExistence || query.taskGroupId) {
    const { data } = await requireSerializedDag(db, await requireDag(db, query.dagId));
    if (query.taskGroupId) {
      const prefix = `${query.taskGroupId}.`;
      taskIds = data.tasks.filter((t) => t.task_group_id === query.taskGroupId || t.task_group_id?.startsWith(prefix)).map((t) => t.task_id);
      if (!taskIds.length && query.checkExistence) throw new RequestError(404, `The external task group "${query.taskGroupId}" in DAG "${query.dagId}" does not exist.`);
    }
    if (query.checkExistence && taskIds && !query.taskGroupId) {
      const known = new Set(data.tasks.map((t) => t.task_id));
      const missing = taskIds.find((id) => !known.has(id));
      if (missing) throw new RequestError(404, `The external task "${missing}" in DAG "${query.dagId}" does not exist.`);
    }
  }
  const dates = query.logicalDates.map((d) => new Date(d));
  if (!taskIds) {
    const { rows } = await db.query<{ logical_date: Date; state: string | null }>(
      "SELECT logical_date, state FROM dag_run WHERE dag_id = $1 AND logical_date = ANY($2::timestamptz[])",
      [query.dagId, dates],
    );
    return { tasksPerDate: 1, rows: rows.map((r) => ({ logicalDate: r.logical_date.toISOString(), taskId: null, state: r.state })) };
  }
  const { rows } = await db.query<{ logical_date: Date; task_id: string; state: string | null }>(
    `SELECT r.logical_date, ti.task_id, ti.state FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
      WHERE ti.dag_id = $1 AND ti.task_id = ANY($2::text[]) AND r.logical_date = ANY($3::timestamptz[])`,
    [query.dagId, taskIds, dates],
  );
  return { tasksPerDate: Math.max(1, taskIds.length), rows: rows.map((r) => ({ logicalDate: r.logical_date.toISOString(), taskId: r.task_id, state: r.state })) };
}

/** The states of some runs of a DAG (null for a run that does not exist). Parameters: dag_id, run_id[]. */
export async function dagRunStates(db: Queryable, dagId: string, runIds: readonly string[]): Promise<Record<string, string | null>> {
  const { rows } = await db.query<{ run_id: string; state: string }>("SELECT run_id, state FROM dag_run WHERE dag_id = $1 AND run_id = ANY($2::text[])", [dagId, [...runIds]]);
  const found = new Map(rows.map((r) => [r.run_id, r.state]));
  return Object.fromEntries(runIds.map((id) => [id, found.get(id) ?? null]));
}
