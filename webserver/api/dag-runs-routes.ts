import type express from "express";
import { clearTaskInstances } from "../../core/runs/clear-task-instances.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { requireDagRun } from "../../core/runs/require-dag.ts";
import { setDagRunState, type SettableDagRunState } from "../../core/runs/set-dag-run-state.ts";
import { triggerDagRun } from "../../core/runs/trigger-dag-run.ts";
import type { Database } from "../../core/store/database.ts";
import { DAG_RUN_ORDER_COLUMNS, deleteDagRunRow, listDagRunsWhere, setDagRunNote, type DagRunListFilter } from "../../core/store/queries/dag-run-list.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import { getTaskInstanceDetail } from "../../core/store/queries/task-instance-list.ts";
import type { JsonObject } from "../../core/types.ts";
import { Resource } from "../auth/permissions.ts";
import { audit, dagScope, date, list, pickFields, str, wildcard } from "./call-values.ts";
import type { RestApiHooks } from "./router.ts";
import { NO_CONTENT, route } from "./route.ts";
import { dagRunJson, taskInstanceJson } from "./serializers.ts";

const runKey = (dagId: string, runId: string) => `${dagId}\u0000${runId}`;

function runFilter(source: Record<string, unknown>, dagIds: string[] | null, statesKey: string): DagRunListFilter {
  return {
    dagIds,
    states: list(source, statesKey),
    logicalDateGte: date(source, "execution_date_gte"),
    logicalDateLte: date(source, "execution_date_lte"),
    startDateGte: date(source, "start_date_gte"),
    startDateLte: date(source, "start_date_lte"),
    endDateGte: date(source, "end_date_gte"),
    endDateLte: date(source, "end_date_lte"),
  };
}

/** DAG runs: list (per DAG, `~`, and the batch form), trigger, get, set state, clear, note, delete. */
export function dagRunsRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  // Registered before /dags/{dag_id}/dagRuns/{dag_run_id} so "list" is not taken for a run id.
  route(router, db, "get_dag_runs_batch", { dag: Resource.DAG_RUN, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.body, "page_limit", "page_offset");
    const order = orderByClause(call.body.order_by, DAG_RUN_ORDER_COLUMNS, "id", "id");
    const named = Array.isArray(call.body.dag_ids) ? (call.body.dag_ids as string[]) : null;
    const { runs, total } = await listDagRunsWhere(db, runFilter(call.body, await dagScope(call, named), "states"), order, limit, offset);
    return { dag_runs: runs.map(dagRunJson), total_entries: total };
  });

  // Airflow answers an empty list for a DAG it does not know; so does this.
  route(router, db, "get_dag_runs", { dag: Resource.DAG_RUN }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = orderByClause(call.query.order_by, DAG_RUN_ORDER_COLUMNS, "id", "id");
    const dagId = wildcard(call.params.dag_id);
    const { runs, total } = await listDagRunsWhere(db, runFilter(call.query, await dagScope(call, dagId ? [dagId] : null), "state"), order, limit, offset);
    return { dag_runs: pickFields(runs.map(dagRunJson), list(call.query, "fields")), total_entries: total };
  });

  route(router, db, "post_dag_run", { dag: Resource.DAG_RUN }, async (call) => {
    const body = call.body;
    if (body.execution_date && body.logical_date && body.execution_date !== body.logical_date) {
      throw new RequestError(400, "logical_date and execution_date differ: give only logical_date (execution_date is its deprecated name).");
    }
    const run = await triggerDagRun(db, call.params.dag_id, {
      runId: str(body, "dag_run_id") ?? undefined,
      logicalDate: date(body, "logical_date") ?? date(body, "execution_date") ?? undefined,
      dataIntervalStart: date(body, "data_interval_start") ?? undefined,
      dataIntervalEnd: date(body, "data_interval_end") ?? undefined,
      conf: body.conf as JsonObject | undefined,
      note: str(body, "note"),
      owner: call.user.username,
    });
    hooks.onChange(runKey(run.dag_id, run.run_id));
    return dagRunJson(run);
  });

  route(router, db, "get_dag_run", { dag: Resource.DAG_RUN }, async (call) => {
    const run = await requireDagRun(db, call.params.dag_id, call.params.dag_run_id);
    return pickFields([dagRunJson(run)], list(call.query, "fields"))[0];
  });

  route(router, db, "update_dag_run_state", { dag: Resource.DAG_RUN }, async (call) => {
    const state = str(call.body, "state");
    if (!state) throw new RequestError(400, 'Give the new state: {"state": "success" | "failed" | "queued"}.');
    const run = await setDagRunState(db, call.params.dag_id, call.params.dag_run_id, state as SettableDagRunState, call.user.username);
    hooks.onChange(runKey(run.dag_id, run.run_id));
    return dagRunJson(run);
  });

  route(router, db, "clear_dag_run", { dag: Resource.DAG_RUN }, async (call) => {
    const { dag_id: dagId, dag_run_id: runId } = call.params;
    const run = await requireDagRun(db, dagId, runId);
    const dryRun = call.body.dry_run !== false;
    const result = await clearTaskInstances(db, dagId, {
      taskIds: null, includeUpstream: false, includeDownstream: false, dagRunId: runId, startDate: null, endDate: null,
      onlyFailed: false, onlyRunning: false, resetDagRuns: true, dryRun,
    }, call.user.username);
    if (dryRun) {
      const tis = await Promise.all(result.taskInstances.map((t) => getTaskInstanceDetail(db, t.dag_id, t.run_id, t.task_id, t.map_index)));
      const found = tis.filter((t) => t !== null);
      return { task_instances: found.map(taskInstanceJson), total_entries: found.length };
    }
    hooks.onChange(runKey(dagId, runId));
    return dagRunJson((await requireDagRun(db, dagId, runId)) ?? run);
  });

  // Runs are not created from dataset events yet (dataset scheduling is not built), so no run has upstream events.
  route(router, db, "get_upstream_dataset_events", { dag: Resource.DAG_RUN }, async (call) => {
    await requireDagRun(db, call.params.dag_id, call.params.dag_run_id);
    return { dataset_events: [], total_entries: 0 };
  });

  route(router, db, "set_dag_run_note", { dag: Resource.DAG_RUN }, async (call) => {
    const note = str(call.body, "note");
    if (note === null) throw new RequestError(400, 'Give the note: {"note": "…"}.');
    await requireDagRun(db, call.params.dag_id, call.params.dag_run_id);
    const run = await db.transaction(async (tx) => {
      const updated = await setDagRunNote(tx, call.params.dag_id, call.params.dag_run_id, note);
      await audit(tx, call, "set_dag_run_note", { dagId: call.params.dag_id, runId: call.params.dag_run_id });
      return updated;
    });
    return dagRunJson(run!);
  });

  route(router, db, "delete_dag_run", { dag: Resource.DAG_RUN }, async (call) => {
    const { dag_id: dagId, dag_run_id: runId } = call.params;
    await requireDagRun(db, dagId, runId);
    await db.transaction(async (tx) => {
      await deleteDagRunRow(tx, dagId, runId);
      await audit(tx, call, "delete_dag_run", { dagId, runId });
    });
    hooks.onChange(runKey(dagId, runId));
    return NO_CONTENT;
  });
}
