import type { Queryable } from "../database.ts";
import type { TaskInstanceDetail } from "./task-instance-list.ts";

/**
 * Every try of a TI, oldest first: the finished tries recorded in task_instance_history, each over the TI's current
 * row (pool, queue, operator… as they are now), and the TI's current try when the history does not have it yet.
 * Parameters: dag_id, run_id, task_id, map_index.
 */
export async function listTries(db: Queryable, dagId: string, runId: string, taskId: string, mapIndex: number): Promise<TaskInstanceDetail[]> {
  const { rows } = await db.query<TaskInstanceDetail>(
    `SELECT ti.dag_id, ti.run_id, ti.task_id, ti.map_index, h.try_number, h.state, h.start_date, h.end_date, h.duration, h.hostname, h.error,
            ti.max_tries, ti.operator, ti.pool, ti.pool_slots, ti.queue, ti.priority_weight, ti.queued_dttm, ti.queued_by_job_id,
            ti.next_retry_at, ti.reschedule_at, ti.last_heartbeat_at, ti.rendered_map_index, ti.note, r.logical_date, NULL AS rendered_fields
       FROM task_instance_history h
       JOIN task_instance ti ON ti.dag_id = h.dag_id AND ti.run_id = h.run_id AND ti.task_id = h.task_id AND ti.map_index = h.map_index
       JOIN dag_run r ON r.dag_id = h.dag_id AND r.run_id = h.run_id
      WHERE h.dag_id = $1 AND h.run_id = $2 AND h.task_id = $3 AND h.map_index = $4
     UNION ALL
     SELECT ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number, ti.state, ti.start_date, ti.end_date, ti.duration, ti.hostname, ti.error,
            ti.max_tries, ti.operator, ti.pool, ti.pool_slots, ti.queue, ti.priority_weight, ti.queued_dttm, ti.queued_by_job_id,
            ti.next_retry_at, ti.reschedule_at, ti.last_heartbeat_at, ti.rendered_map_index, ti.note, r.logical_date, NULL
       FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
      WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = $3 AND ti.map_index = $4 AND ti.try_number > 0
        AND NOT EXISTS (SELECT 1 FROM task_instance_history h WHERE h.dag_id = $1 AND h.run_id = $2 AND h.task_id = $3
                          AND h.map_index = $4 AND h.try_number = ti.try_number)
      ORDER BY try_number`,
    [dagId, runId, taskId, mapIndex],
  );
  return rows;
}
