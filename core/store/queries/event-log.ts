import type { Queryable } from "../database.ts";

export interface LoggedEvent {
  event: string;
  owner: string;
  dagId?: string | null;
  runId?: string | null;
  taskId?: string | null;
  extra?: string | null;
}

/**
 * Records who did what in the event (audit) log, Airflow's `log` table: pause, trigger, clear, backfill…
 * Parameters: dag_id, run_id, task_id, event, owner, extra.
 */
export async function recordEvent(db: Queryable, e: LoggedEvent): Promise<void> {
  await db.query("INSERT INTO log (dag_id, run_id, task_id, event, owner, extra) VALUES ($1, $2, $3, $4, $5, $6)", [
    e.dagId ?? null, e.runId ?? null, e.taskId ?? null, e.event, e.owner, e.extra ?? null,
  ]);
}
