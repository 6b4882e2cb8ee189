import type express from "express";
import { clearTaskInstances } from "../../core/runs/clear-task-instances.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { requireDagRun } from "../../core/runs/require-dag.ts";
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
    let startDate = dateField(body.start_date, "start_date");
    let endDate = dateField(body.end_date, "end_date");
    if (body.dag_run_id !== undefined && body.dag_run_id !== null) {
      if (typeof body.dag_run_id !== "string") throw new RequestError(400, "dag_run_id must be a string.");
      if (startDate || endDate) throw new RequestError(400, "Give either dag_run_id or start_date/end_date, not both.");
      // As Airflow: a run is its logical date (unique per DAG), so include_past/include_future extend from it.
      startDate = endDate = (await requireDagRun(db, dagId, body.dag_run_id)).logical_date;
    }
    if (booleanField(body, "include_past", false)) startDate = null;
    if (booleanField(body, "include_future", false)) endDate = null;
    const dryRun = booleanField(body, "dry_run", true);
    const result = await clearTaskInstances(db, dagId, {
      taskIds: (taskIds as string[] | undefined) ?? null,
      includeUpstream: booleanField(body, "include_upstream", false),
      includeDownstream: booleanField(body, "include_downstream", false),
      startDate,
      endDate,
      onlyFailed: booleanField(body, "only_failed", true),
      onlyRunning: booleanField(body, "only_running", false),
      resetDagRuns: booleanField(body, "reset_dag_runs", false),
      dryRun,
    }, userOf(res));
    if (!dryRun) for (const runId of new Set(result.taskInstances.map((t) => t.run_id))) hooks.onChange(`${dagId}\u0000${runId}`);
    res.json({ task_instances: result.taskInstances.map(taskInstanceReferenceJson) });
  }));
}
