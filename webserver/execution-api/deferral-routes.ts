import type { TokenClaims } from "../../core/execution-token.ts";
import { clearTaskInstances } from "../../core/runs/clear-task-instances.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { triggerDagRun } from "../../core/runs/trigger-dag-run.ts";
import type { Database } from "../../core/store/database.ts";
import { dagRunStates, externalStates } from "../../core/store/queries/external-states.ts";
import { deferTry } from "../../core/store/queries/triggers.ts";
import type { JsonObject } from "../../core/types.ts";
import type { ExecutionApi, ExecutionApiHooks } from "./execution-api.ts";
import type { ApiResponse, FinishRequest } from "./protocol.ts";

const json = (body: unknown, status = 200): ApiResponse => ({ status, body });
const problem = (status: number, title: string, detail: string): ApiResponse => ({ status, body: { title, status, detail } });

/**
 * A try ends deferred: its trigger is stored for the triggerer and the TI parks on it; the runner's slot is free.
 * Wired into POST /ti/finish (state "deferred").
 */
export async function finishDeferred(db: Database, hooks: ExecutionApiHooks, c: TokenClaims, body: FinishRequest): Promise<ApiResponse> {
  const d = body.deferral;
  if (!d || typeof d.classpath !== "string" || typeof d.next_method !== "string") {
    return problem(400, "Bad Request", "A deferred finish needs `deferral` with classpath, trigger_kwargs, next_method, next_kwargs and trigger_timeout.");
  }
  const deferral = {
    classpath: d.classpath, triggerKwargs: d.trigger_kwargs ?? {}, nextMethod: d.next_method, nextKwargs: d.next_kwargs ?? {},
    timeoutAt: d.trigger_timeout ? new Date(d.trigger_timeout) : null,
  };
  const done = await db.transaction((tx) => deferTry(tx, c, c.tryNumber, deferral, body.log_path ?? null));
  if (!done) return problem(409, "Conflict", "This try is no longer running; its deferral was not recorded.");
  hooks.onTryFinished(c, { state: "deferred", nextRetryAt: null, rescheduleAt: null });
  return { status: 204, body: null };
}

const asError = (error: unknown): ApiResponse => {
  if (error instanceof RequestError) return problem(error.status, error.status === 404 ? "Not Found" : error.status === 409 ? "Conflict" : "Bad Request", error.message);
  throw error;
};

/**
 * Cross-DAG reads and writes a task may make: other DAGs' TI / run states (ExternalTaskSensor, TriggerDagRunOperator's
 * wait) and triggering a run of another DAG (TriggerDagRunOperator).
 */
export function registerDeferralRoutes(api: ExecutionApi, db: Database, hooks: ExecutionApiHooks): void {
  api.route("POST", "/external/states", async (_c, raw) => {
    const body = raw as { dag_id?: string; task_ids?: string[] | null; task_group_id?: string | null; logical_dates?: string[]; check_existence?: boolean };
    if (typeof body.dag_id !== "string" || !Array.isArray(body.logical_dates)) return problem(400, "Bad Request", "Give dag_id and logical_dates (ISO strings).");
    try {
      const found = await externalStates(db, {
        dagId: body.dag_id, taskIds: body.task_ids ?? null, taskGroupId: body.task_group_id ?? null,
        logicalDates: body.logical_dates.map((d) => new Date(d)), checkExistence: body.check_existence ?? false,
      });
      return json({ tasks_per_date: found.tasksPerDate, rows: found.rows.map((r) => ({ logical_date: r.logicalDate, task_id: r.taskId, state: r.state })) });
    } catch (error) {
      return asError(error);
    }
  });

  api.route("POST", "/dag-runs/states", async (_c, raw) => {
    const body = raw as { dag_id?: string; run_ids?: string[] };
    if (typeof body.dag_id !== "string" || !Array.isArray(body.run_ids)) return problem(400, "Bad Request", "Give dag_id and run_ids.");
    return json({ states: await dagRunStates(db, body.dag_id, body.run_ids) });
  });

  api.route("POST", "/dag-runs/trigger", async (c, raw) => {
    const body = raw as { dag_id?: string; run_id?: string | null; logical_date?: string | null; conf?: JsonObject | null; reset_dag_run?: boolean; skip_when_already_exists?: boolean };
    if (typeof body.dag_id !== "string") return problem(400, "Bad Request", "Give the dag_id to trigger.");
    const logicalDate = body.logical_date ? new Date(body.logical_date) : new Date();
    if (Number.isNaN(logicalDate.getTime())) return problem(400, "Bad Request", `Invalid logical_date "${body.logical_date}": give an ISO 8601 date.`);
    const owner = `task:${c.dagId}.${c.taskId}`;
    try {
      const run = await triggerDagRun(db, body.dag_id, { runId: body.run_id ?? undefined, logicalDate, conf: body.conf ?? {}, owner });
      hooks.onDatasetsQueued?.([body.dag_id]); // queued runs may start now
      return json({ outcome: "created", run_id: run.run_id, logical_date: run.logical_date.toISOString() });
    } catch (error) {
      if (!(error instanceof RequestError) || error.status !== 409) return asError(error);
      const { rows } = await db.query<{ run_id: string; logical_date: Date }>(
        "SELECT run_id, logical_date FROM dag_run WHERE dag_id = $1 AND (run_id = $2 OR logical_date = $3) ORDER BY run_id = $2 DESC LIMIT 1",
        [body.dag_id, body.run_id ?? null, logicalDate],
      );
      const existing = rows[0];
      if (!existing) return asError(error);
      const found = { run_id: existing.run_id, logical_date: existing.logical_date.toISOString() };
      if (body.reset_dag_run) {
        await clearTaskInstances(db, body.dag_id, {
          taskIds: null, includeUpstream: false, includeDownstream: false, dagRunId: existing.run_id, startDate: null, endDate: null,
          onlyFailed: false, onlyRunning: false, resetDagRuns: true, dryRun: false,
        }, owner);
        hooks.onDatasetsQueued?.([body.dag_id]);
        hooks.onRunChanged?.({ ...c, dagId: body.dag_id, runId: existing.run_id });
        return json({ outcome: "reset", ...found });
      }
      if (body.skip_when_already_exists) return json({ outcome: "exists", ...found });
      return problem(409, "Conflict", `DagRunAlreadyExists: ${error.message} Set resetDagRun to clear and re-run it, or skipWhenAlreadyExists to skip.`);
    }
  });
}
