import type { Queryable } from "../store/database.ts";
import { selectTaskInstancesToClear, type TiToClear } from "../store/queries/clear-task-instances.ts";
import { latestSerializedDag } from "../store/queries/serialized-dags.ts";
import type { SerializedDag } from "../serialization.ts";
import { RequestError } from "./request-error.ts";

/** The TIs of other DAGs a clear reaches through ExternalTaskMarkers, grouped by DAG, with each DAG's retries. */
export type MarkedTis = Map<string, { tis: TiToClear[]; retries: Map<string, number> }>;

/**
 * Airflow's clear with downstream through ExternalTaskMarker: each cleared marker TI reaches its external task (and
 * that task's downstream) in the child DAG's run at the marker's rendered logical date (default: the same logical
 * date), and from there further markers, at most `recursion_depth` hops (the first marker's); deeper is an error, as
 * a cycle of markers would otherwise clear forever.
 */
export async function tisReachedByMarkers(tx: Queryable, dag: SerializedDag, found: readonly TiToClear[], lock: boolean, withRelatives: (dag: SerializedDag, ids: string[]) => string[]): Promise<MarkedTis> {
  const reached: MarkedTis = new Map();
  const seen = new Set<string>();
  const visit = async (from: SerializedDag, tis: readonly TiToClear[], depthLeft: number | null): Promise<void> => {
    const byId = new Map(from.tasks.map((t) => [t.task_id, t]));
    for (const ti of tis) {
      const marker = byId.get(ti.task_id)?.external_task_marker;
      if (!marker) continue;
      const depth = depthLeft ?? marker.recursion_depth;
      if (depth <= 0) {
        throw new RequestError(400, `Maximum recursion depth ${marker.recursion_depth} reached for ExternalTaskMarker ${ti.task_id}. Attempted to clear too many tasks or there may be a cyclic dependency.`);
      }
      const child = await latestSerializedDag(tx, marker.external_dag_id);
      if (!child) continue;
      const date = await markerLogicalDate(tx, ti);
      const taskIds = withRelatives(child.data, [marker.external_task_id]);
      const childTis = (await selectTaskInstancesToClear(tx, marker.external_dag_id, { taskIds, startDate: date, endDate: date, states: [] }, lock))
        .filter((t) => !seen.has(`${t.dag_id}\u0000${t.run_id}\u0000${t.task_id}\u0000${t.map_index}`));
      if (!childTis.length) continue;
      for (const t of childTis) seen.add(`${t.dag_id}\u0000${t.run_id}\u0000${t.task_id}\u0000${t.map_index}`);
      const entry = reached.get(child.data.dag_id) ?? { tis: [], retries: new Map(child.data.tasks.map((t) => [t.task_id, t.retries])) };
      entry.tis.push(...childTis);
      reached.set(child.data.dag_id, entry);
      await visit(child.data, childTis, depth - 1);
    }
  };
  await visit(dag, found, null);
  return reached;
}

/** The marker's rendered logicalDate when it ran, else its run's logical date (the default template). */
async function markerLogicalDate(tx: Queryable, ti: TiToClear): Promise<Date> {
  const { rows } = await tx.query<{ value: string | null }>(
    `SELECT rendered_fields ->> 'logicalDate' AS value FROM rendered_task_instance_fields
      WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4`,
    [ti.dag_id, ti.run_id, ti.task_id, ti.map_index],
  );
  const rendered = rows[0]?.value ? new Date(rows[0].value) : null;
  return rendered && !Number.isNaN(rendered.getTime()) ? rendered : ti.logical_date;
}
