import type { Database } from "../../core/store/database.ts";
import type { ExecutionApi, ExecutionApiHooks } from "./execution-api.ts";

/** What a runner gets to call a DAG's sla_miss_callback with (executor/run-sla-callbacks.ts). */
export interface SlaMissesResponse {
  slas: Array<{ task_id: string; dag_id: string; execution_date: string; email_sent: boolean; timestamp: string | null; description: string | null; notification_sent: boolean }>;
  blocking_tis: Array<{ dag_id: string; task_id: string; run_id: string; map_index: number; execution_date: string; state: string | null }>;
}

export interface SlaNotifiedRequest {
  callback_id: number;
  /** The misses the callbacks were sent; notification_sent is set on them only when one callback succeeded. */
  misses: Array<{ task_id: string; execution_date: string }>;
  notification_sent: boolean;
}

/**
 * SLA-miss callbacks for runners: the token's DAG's unnotified misses with the task instances blocking them (Airflow:
 * TIs of the missed dates that have not succeeded), and marking them notified once the callbacks ran.
 */
export function registerSlaRoutes(api: ExecutionApi, db: Database, _hooks: ExecutionApiHooks): void {
  api.route("GET", "/sla-misses", async (c) => {
    const { rows: slas } = await db.query<{ task_id: string; dag_id: string; execution_date: Date; email_sent: boolean; timestamp: Date | null; description: string | null; notification_sent: boolean }>(
      "SELECT * FROM sla_miss WHERE dag_id = $1 AND NOT notification_sent ORDER BY execution_date, task_id",
      [c.dagId],
    );
    const { rows: blocking } = await db.query<{ dag_id: string; task_id: string; run_id: string; map_index: number; logical_date: Date; state: string | null }>(
      `SELECT ti.dag_id, ti.task_id, ti.run_id, ti.map_index, r.logical_date, ti.state
         FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
        WHERE ti.dag_id = $1 AND r.logical_date = ANY($2::timestamptz[]) AND ti.state IS DISTINCT FROM 'success'
        ORDER BY r.logical_date, ti.task_id, ti.map_index`,
      [c.dagId, [...new Set(slas.map((s) => s.execution_date.toISOString()))]],
    );
    const body: SlaMissesResponse = {
      slas: slas.map((s) => ({ ...s, execution_date: s.execution_date.toISOString(), timestamp: s.timestamp?.toISOString() ?? null })),
      blocking_tis: blocking.map(({ logical_date, ...ti }) => ({ ...ti, execution_date: logical_date.toISOString() })),
    };
    return { status: 200, body };
  });
  api.route("POST", "/sla-misses/notified", async (c, raw) => {
    const body = raw as Partial<SlaNotifiedRequest>;
    if (!Number.isInteger(body.callback_id) || !Array.isArray(body.misses)) {
      return { status: 400, body: { title: "Bad Request", status: 400, detail: "callback_id (an integer) and misses (a list) are required." } };
    }
    await db.transaction(async (tx) => {
      if (body.notification_sent && body.misses!.length) {
        await tx.query(
          `UPDATE sla_miss SET notification_sent = true
            WHERE dag_id = $1 AND (task_id, execution_date) IN (SELECT * FROM unnest($2::text[], $3::timestamptz[]))`,
          [c.dagId, body.misses!.map((m) => String(m.task_id)), body.misses!.map((m) => new Date(m.execution_date))],
        );
      }
      await tx.query("UPDATE callback_request SET done_at = now() WHERE id = $1 AND dag_id = $2", [body.callback_id, c.dagId]);
    });
    return { status: 204, body: null };
  });
}
