import type express from "express";
import { clearTaskInstances } from "../../core/runs/clear-task-instances.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { booleanField, dateField, handle, pathParam, userOf } from "./handle.ts";
import type { RestApiHooks } from "./router.ts";
import { taskInstanceReferenceJson } from "./serializers.ts";

/**
 * POST /dags/{dag_id}/clearTaskInstances: Airflow's ClearTaskInstances request (with its defaults: dry_run and
 * only_failed true), answered with a TaskInstanceReferenceCollection of what was (or would be) cleared.
 */
export function clearRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  router.post("/dags/:dagId/clearTaskInstances", handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const dagId = pathParam(req, "dagId");
    const taskIds = body.task_ids;
    if (taskIds !== undefined && taskIds !== null && (!Array.isArray(taskIds) || !taskIds.every((t) => typeof t === "string"))) {
      throw new RequestError(400, "task_ids must be a list of task ids.");
    }
    if (body.dag_run_id !== undefined && body.dag_run_id !== null && typeof body.dag_run_id !== "string") {
      throw new RequestError(400, "dag_run_id must be a string.");
    }
    const includePast = booleanField(body, "include_past", false);
    const includeFuture = booleanField(body, "include_future", false);
    const dryRun = booleanField(body, "dry_run", true);
    const result = await clearTaskInstances(db, dagId, {
      taskIds: (taskIds as string[] | undefined) ?? null,
      includeUpstream: booleanField(body, "include_upstream", false),
      includeDownstream: booleanField(body, "include_downstream", false),
      dagRunId: (body.dag_run_id as string | undefined) ?? null,
      startDate: includePast ? null : dateField(body.start_date, "start_date"),
      endDate: includeFuture ? null : dateField(body.end_date, "end_date"),
      onlyFailed: booleanField(body, "only_failed", true),
      onlyRunning: booleanField(body, "only_running", false),
      resetDagRuns: booleanField(body, "reset_dag_runs", false),
      dryRun,
    }, userOf(res));
    if (!dryRun && result.taskInstances.length) hooks.onChange();
    res.json({ task_instances: result.taskInstances.map(taskInstanceReferenceJson) });
  }));
}
