import type { Queryable } from "../database.ts";
import type { EventLogRow } from "./event-log-list.ts";

/** A task instance's try, as the `log` table's columns name it. */
export interface TryKey {
  dagId: string;
  taskId: string;
  runId: string;
  mapIndex: number;
  tryNumber: number;
}

/**
 * Records that a task instance's try read a connection or variable (through the execution API): who (the try), what
 * (the event and the id, in extra), when (dttm), from where (`host`: the machine its runner reported at start).
 * Parameters: dag_id, task_id, map_index, run_id, try_number, event, owner, extra (JSON).
 */
export async function recordTryEvent(db: Queryable, key: TryKey, event: string, owner: string, extra: Record<string, unknown>): Promise<void> {
  await db.query(
    `INSERT INTO log (dag_id, task_id, map_index, run_id, try_number, event, owner, extra)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ($8::jsonb || jsonb_build_object('host',
       (SELECT hostname FROM task_instance WHERE dag_id = $1 AND task_id = $2 AND run_id = $4 AND map_index = $3)))::text)`,
    [key.dagId, key.taskId, key.mapIndex, key.runId, key.tryNumber, event, owner, JSON.stringify(extra)],
  );
}

/** An audit-trail row: the event log's row without the run's logical date. */
export type AuditRow = Omit<EventLogRow, "logical_date">;

/** The audit trail for a period, oldest first (compliance export). Parameters: from (inclusive), to (exclusive). */
export async function auditTrail(db: Queryable, from: Date | null, to: Date | null): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT id::int AS id, dttm, dag_id, task_id, map_index, run_id, try_number, event, owner, extra FROM log
      WHERE ($1::timestamptz IS NULL OR dttm >= $1) AND ($2::timestamptz IS NULL OR dttm < $2) ORDER BY dttm, id`,
    [from, to],
  );
  return rows;
}
