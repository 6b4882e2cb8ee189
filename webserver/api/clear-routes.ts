import type express from "express";
import { clearTaskInstances } from "../../core/runs/clear-task-instances.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { requireDagRun } from "../../core/runs/require-dag.ts";
import type { Database } from "../../core/store/database.ts";
import { Resource } from "../auth/permissions.ts";
import { booleanField, dateField } from "./handle.ts";
import type { RestApiHooks } from "./router.ts";
import { route } from "./route.ts";
import { taskInstanceReferenceJson } from "./serializers.ts";

/**
 * POST /dags/{dag_id}/clearTaskInstances: Airflow's ClearTaskInstances request (with its defaults: dry_run and
 * only_failed true), answered with a TaskInstanceReferenceCollection of what was (or would be) cleared.
 */
export function clearRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  route(router, db, "post_clear_task_instances", { dag: Resource.TASK_INSTANCE, action: "can_edit" }, async (call) => {
    const body = call.body;
    const dagId = call.params.dag_id;
    const taskIds = body.task_ids as string[] | undefined | null;
    let startDate = dateField(body.start_date, "start_date");
    let endDate = dateField(body.end_date, "end_date");
    if (body.dag_run_id !== undefined && body.dag_run_id !== null) {
      if (startDate || endDate) throw new RequestError(400, "Give either dag_run_id or start_date/end_date, not both.");
      // As Airflow: a run is its logical date (unique per DAG), so include_past/include_future extend from it.
      startDate = endDate = (await requireDagRun(db, dagId, body.dag_run_id as string)).logical_date;
    }
    if (booleanField(body, "include_past", false)) startDate = null;
    if (booleanField(body, "include_future", false)) endDate = null;
    const dryRun = booleanField(body, "dry_run", true);
    const result = await clearTaskInstances(db, dagId, {
      taskIds: taskIds ?? null,
      includeUpstream: booleanField(body, "include_upstream", false),
      includeDownstream: booleanField(body, "include_downstream", false),
      startDate,
      endDate,
      onlyFailed: booleanField(body, "only_failed", true),
      onlyRunning: booleanField(body, "only_running", false),
      resetDagRuns: booleanField(body, "reset_dag_runs", false),
      dryRun,
    }, call.user.username);
    if (!dryRun) for (const runId of new Set(result.taskInstances.map((t) => t.run_id))) hooks.onChange(`${dagId}\u0000${runId}`);
    return { task_instances: result.taskInstances.map(taskInstanceReferenceJson) };
  });
}
