import type { Queryable } from "../../../core/store/database.ts";

/** [run_id, task_id, map_index, state, try_number, updated_at (epoch ms)] */
export type TiChange = [string, string, number, string | null, number, number];

/**
 * The TIs of a DAG changed since `since` (the database's clock), as one JSON value, and the database's time now.
 * Every statement that changes a TI's state sets updated_at, whichever process runs it, so this sees the scheduler's
 * and the runners' changes on PostgreSQL as well as in the embedded database. Parameters: dag_id, since.
 */
export async function taskInstancesChangedSince(db: Queryable, dagId: string, since: Date): Promise<{ now: Date; changes: TiChange[] }> {
  const { rows } = await db.query<{ now: Date; tis: string | null }>(
    `SELECT now() AS now,
            (SELECT json_agg(json_build_array(run_id, task_id, map_index, state, try_number, (extract(epoch FROM updated_at) * 1000)::bigint))::text
               FROM task_instance WHERE dag_id = $1 AND updated_at > $2) AS tis`,
    [dagId, since],
  );
  return { now: rows[0].now, changes: JSON.parse(rows[0].tis ?? "[]") as TiChange[] };
}

/**
 * The state of the DAG's latest runs, as one text: dag_run has no updated_at, so a stream compares this fingerprint
 * between polls (new runs, state changes, clears that requeue a run). Parameters: dag_id, limit.
 */
export async function runFingerprint(db: Queryable, dagId: string, limit: number): Promise<Array<[string, string]>> {
  const { rows } = await db.query<{ runs: string | null }>(
    `SELECT json_agg(json_build_array(run_id, state))::text AS runs
       FROM (SELECT run_id, state FROM dag_run WHERE dag_id = $1 ORDER BY logical_date DESC LIMIT $2) r`,
    [dagId, limit],
  );
  return JSON.parse(rows[0]?.runs ?? "[]") as Array<[string, string]>;
}

/**
 * A fingerprint of every DAG's runs for the DAGs list's live dots: the newest run and how many runs are in each
 * state. Any new run or state change alters it. No parameters.
 */
export async function allRunsFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ print: string }>(
    `SELECT concat_ws('|', max(id), count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'running'),
                     count(*) FILTER (WHERE state = 'success'), count(*) FILTER (WHERE state = 'failed')) AS print
       FROM dag_run`,
  );
  return rows[0]?.print ?? "";
}
