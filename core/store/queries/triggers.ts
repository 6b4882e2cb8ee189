import type { Deferral } from "../../deferral.ts";
import type { JsonObject } from "../../types.ts";
import type { Queryable } from "../database.ts";
import type { TiKey } from "./task-instances.ts";

export interface TriggerRow {
  id: number;
  classpath: string;
  kwargs: JsonObject;
}

/**
 * A runner's try ends deferred: its trigger is stored and the TI (guarded on running, this try) parks on it, with the
 * method and kwargs to resume with and the timeout. Airflow writes no task_instance_history row: the try goes on later.
 * Parameters: the TI key, try_number, classpath, trigger kwargs, next_method, next_kwargs, trigger_timeout, log path.
 * Returns false (and stores nothing) when the try is no longer running.
 */
export async function deferTry(tx: Queryable, key: TiKey, tryNumber: number, deferral: Deferral, logPath: string | null): Promise<boolean> {
  const { rows } = await tx.query<{ n: number }>(
    `WITH ti AS (
       SELECT dag_id, run_id, task_id, map_index, try_number FROM task_instance
        WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4 AND try_number = $5 AND state = 'running'
        FOR UPDATE
     ), created AS (
       INSERT INTO trigger (classpath, kwargs) SELECT $6, $7::jsonb FROM ti RETURNING id
     ), deferred AS (
       UPDATE task_instance t SET state = 'deferred', trigger_id = c.id, next_method = $8, next_kwargs = $9::jsonb,
              trigger_timeout = $10, updated_at = now()
         FROM created c, ti
        WHERE t.dag_id = ti.dag_id AND t.run_id = ti.run_id AND t.task_id = ti.task_id AND t.map_index = ti.map_index
        RETURNING t.*
     ), logged AS (
       INSERT INTO task_log (dag_id, run_id, task_id, map_index, try_number, path)
       SELECT dag_id, run_id, task_id, map_index, try_number, $11 FROM deferred WHERE $11::text IS NOT NULL
       ON CONFLICT (dag_id, run_id, task_id, map_index, try_number) DO UPDATE SET path = EXCLUDED.path
     )
     SELECT count(*)::int AS n FROM deferred`,
    [key.dagId, key.runId, key.taskId, key.mapIndex, tryNumber, deferral.classpath, JSON.stringify(deferral.triggerKwargs),
      deferral.nextMethod, JSON.stringify(deferral.nextKwargs), deferral.timeoutAt, logPath],
  );
  return rows[0].n === 1;
}

/**
 * Up to `limit` triggers nobody runs: unclaimed, or claimed by a triggerer that is no longer running or whose
 * heartbeat is older than the threshold (its triggers are taken over). SKIP LOCKED: two triggerers never take the same.
 * Parameters: this triggerer's job id, limit, health threshold in seconds.
 */
export async function claimTriggers(db: Queryable, jobId: number, limit: number, healthThresholdSec: number): Promise<TriggerRow[]> {
  if (limit <= 0) return [];
  const { rows } = await db.query<TriggerRow>(
    `UPDATE trigger SET triggerer_id = $1
      WHERE id IN (
        SELECT id FROM trigger
         WHERE triggerer_id IS NULL OR triggerer_id NOT IN (
                 SELECT id FROM job WHERE job_type = 'TriggererJob' AND state = 'running'
                    AND latest_heartbeat > now() - make_interval(secs => $3))
         ORDER BY id LIMIT $2
         FOR UPDATE SKIP LOCKED)
      RETURNING id, classpath, kwargs`,
    [jobId, limit, healthThresholdSec],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** The ids of the triggers this triggerer still owns (others were deleted or taken over). Parameter: job id. */
export async function ownedTriggerIds(db: Queryable, jobId: number): Promise<Set<number>> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM trigger WHERE triggerer_id = $1", [jobId]);
  return new Set(rows.map((r) => Number(r.id)));
}

/**
 * Airflow's Trigger.clean_unused: triggers no deferred TI waits on any more (the TI was cleared, marked, or timed out)
 * are deleted; the triggerer running one sees it gone and cancels it.
 */
export async function deleteUnusedTriggers(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM trigger t WHERE NOT EXISTS (SELECT 1 FROM task_instance ti WHERE ti.trigger_id = t.id AND ti.state = 'deferred')
       AND t.created_date < now() - interval '1 second'`,
  );
  return rowCount;
}

/**
 * A trigger fired (or failed): the TIs deferred on it go back to `scheduled` with the event (or `__fail__` and the
 * error) in next_kwargs, and the trigger is deleted. Guarded on `deferred`. Parameters: trigger id, next_kwargs patch,
 * next_method override (null = keep). Returns the runs to wake.
 */
export async function resumeFromTrigger(db: Queryable, triggerId: number, patch: JsonObject, nextMethod: string | null = null): Promise<Array<{ dag_id: string; run_id: string }>> {
  const { rows } = await db.query<{ dag_id: string; run_id: string }>(
    `WITH resumed AS (
       UPDATE task_instance SET state = 'scheduled', trigger_id = NULL, next_method = coalesce($3, next_method),
              next_kwargs = coalesce(next_kwargs, '{}'::jsonb) || $2::jsonb, updated_at = now()
        WHERE trigger_id = $1 AND state = 'deferred'
        RETURNING dag_id, run_id
     ), gone AS (DELETE FROM trigger WHERE id = $1)
     SELECT dag_id, run_id FROM resumed`,
    [triggerId, JSON.stringify(patch), nextMethod],
  );
  return rows;
}

/**
 * Airflow's check_trigger_timeouts: deferred TIs past their trigger_timeout resume through `__fail__` (the resumed
 * try fails with a deferral timeout). Returns the runs to wake.
 */
export async function timeOutDeferrals(db: Queryable): Promise<Array<{ dag_id: string; run_id: string }>> {
  const { rows } = await db.query<{ dag_id: string; run_id: string }>(
    `UPDATE task_instance SET state = 'scheduled', trigger_id = NULL, next_method = '__fail__',
            next_kwargs = jsonb_build_object('error', 'Trigger/execution timeout'), updated_at = now()
      WHERE state = 'deferred' AND trigger_timeout < now()
      RETURNING dag_id, run_id`,
  );
  return rows;
}

/**
 * Airflow 2.10's end_from_trigger: the trigger's task-end event ends the deferred TI in that state here, as a finished
 * try would (history row, end date, duration), and deletes the trigger. Guarded on `deferred`.
 * Parameters: trigger id, state. Returns the runs to wake.
 */
export async function endFromTrigger(db: Queryable, triggerId: number, state: "success" | "failed" | "skipped"): Promise<Array<{ dag_id: string; run_id: string }>> {
  const { rows } = await db.query<{ dag_id: string; run_id: string }>(
    `WITH ended AS (
       UPDATE task_instance SET state = $2, end_date = now(), duration = extract(epoch FROM now() - start_date), trigger_id = NULL,
              next_method = NULL, next_kwargs = NULL, trigger_timeout = NULL, updated_at = now()
        WHERE trigger_id = $1 AND state = 'deferred'
        RETURNING *
     ), history AS (
       INSERT INTO task_instance_history (dag_id, run_id, task_id, map_index, try_number, state, start_date, end_date, duration, hostname, error)
       SELECT dag_id, run_id, task_id, map_index, try_number, state, start_date, end_date, duration, hostname, error FROM ended
       ON CONFLICT (dag_id, run_id, task_id, map_index, try_number) DO UPDATE
         SET state = EXCLUDED.state, end_date = EXCLUDED.end_date, duration = EXCLUDED.duration
     ), gone AS (DELETE FROM trigger WHERE id = $1)
     SELECT dag_id, run_id FROM ended`,
    [triggerId, state],
  );
  return rows;
}
