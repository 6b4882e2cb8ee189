import type express from "express";
import { markTaskInstances, type MarkableState } from "../../core/runs/mark-task-instances.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { requireDag, requireDagRun, requireSerializedDag } from "../../core/runs/require-dag.ts";
import { failedDependencies } from "../../core/runs/task-instance-dependencies.ts";
import type { Database } from "../../core/store/database.ts";
import { runIdAt } from "../../core/store/queries/dag-run-list.ts";
import { listTries } from "../../core/store/queries/task-tries.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import {
  getTaskInstanceDetail, listTaskInstancesWhere, setTaskInstanceNote, TASK_INSTANCE_ORDER_COLUMNS, type TaskInstanceDetail, type TaskInstanceListFilter,
} from "../../core/store/queries/task-instance-list.ts";
import { Resource } from "../auth/permissions.ts";
import { audit, dagScope, date, list, num, str, wildcard } from "./call-values.ts";
import type { RestApiHooks } from "./router.ts";
import { route, type Call } from "./route.ts";
import { taskInstanceJson, taskInstanceReferenceJson } from "./serializers.ts";

function tiFilter(source: Record<string, unknown>, scope: { dagIds: string[] | null; runIds: string[] | null; taskIds: string[] | null; mappedOnly: boolean }, statesKey = "state"): TaskInstanceListFilter {
  return {
    ...scope,
    states: list(source, statesKey),
    pools: list(source, "pool"),
    queues: list(source, "queue"),
    logicalDateGte: date(source, "execution_date_gte"),
    logicalDateLte: date(source, "execution_date_lte"),
    startDateGte: date(source, "start_date_gte"),
    startDateLte: date(source, "start_date_lte"),
    endDateGte: date(source, "end_date_gte"),
    endDateLte: date(source, "end_date_lte"),
    durationGte: num(source, "duration_gte"),
    durationLte: num(source, "duration_lte"),
  };
}

/** The most TIs the batch list answers at once (it has no paging); 10,000 TIs are ~10 MB of JSON. */
const BATCH_LIMIT = 10_000;

const tiPage = (tis: TaskInstanceDetail[], total: number) => ({ task_instances: tis.map(taskInstanceJson), total_entries: total });

async function requireTi(db: Database, call: Call, mapIndex: number): Promise<TaskInstanceDetail> {
  const { dag_id: dagId, dag_run_id: runId, task_id: taskId } = call.params;
  const ti = await getTaskInstanceDetail(db, dagId, runId, taskId, mapIndex);
  if (ti) return ti;
  await requireDagRun(db, dagId, runId);
  throw new RequestError(404, `Run "${runId}" of DAG "${dagId}" has no task instance "${taskId}"${mapIndex >= 0 ? ` with map index ${mapIndex}` : ""}.`);
}

/** Task instances: list (per run, `~`, batch, mapped), get, set state (one, or with relatives), set note. */
export function taskInstancesRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  route(router, db, "get_task_instances_batch", { dag: Resource.TASK_INSTANCE, action: "can_read" }, async (call) => {
    // The spec's ListTaskInstanceForm has no paging (Airflow answers every match): at most BATCH_LIMIT, total_entries says how many.
    const order = orderByClause(undefined, TASK_INSTANCE_ORDER_COLUMNS, "dag_id", "ti.run_id, ti.task_id, ti.map_index");
    const named = Array.isArray(call.body.dag_ids) ? (call.body.dag_ids as string[]) : null;
    const scope = {
      dagIds: await dagScope(call, named),
      runIds: Array.isArray(call.body.dag_run_ids) ? (call.body.dag_run_ids as string[]) : null,
      taskIds: Array.isArray(call.body.task_ids) ? (call.body.task_ids as string[]) : null,
      mappedOnly: false,
    };
    const { tis, total } = await listTaskInstancesWhere(db, tiFilter(call.body, scope, "state"), order, BATCH_LIMIT, 0);
    return tiPage(tis, total);
  });

  route(router, db, "get_task_instances", { dag: Resource.TASK_INSTANCE }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const dagId = wildcard(call.params.dag_id);
    const runId = wildcard(call.params.dag_run_id);
    const scope = { dagIds: await dagScope(call, dagId ? [dagId] : null), runIds: runId ? [runId] : null, taskIds: null, mappedOnly: false };
    // One run: by priority, as the scheduler sees it. Across runs (~): the primary key's order, which reads only the
    // page from the index (0.7 ms for 100 of 200,000 TIs, against 300 ms sorting them all by priority on PGlite).
    const order = runId
      ? orderByClause(call.query.order_by, TASK_INSTANCE_ORDER_COLUMNS, "-priority_weight", "ti.task_id, ti.map_index")
      : orderByClause(call.query.order_by, TASK_INSTANCE_ORDER_COLUMNS, "dag_id", "ti.run_id, ti.task_id, ti.map_index");
    const { tis, total } = await listTaskInstancesWhere(db, tiFilter(call.query, scope), order, limit, offset);
    return tiPage(tis, total);
  });

  route(router, db, "get_mapped_task_instances", { dag: Resource.TASK_INSTANCE }, async (call) => {
    const { dag_id: dagId, dag_run_id: runId, task_id: taskId } = call.params;
    await requireDagRun(db, dagId, runId);
    const { limit, offset } = pageOf(call.query);
    const order = orderByClause(call.query.order_by, TASK_INSTANCE_ORDER_COLUMNS, "map_index", "ti.map_index");
    const scope = { dagIds: [dagId], runIds: [runId], taskIds: [taskId], mappedOnly: true };
    const { tis, total } = await listTaskInstancesWhere(db, tiFilter(call.query, scope), order, limit, offset);
    if (total === 0 && !(await getTaskInstanceDetail(db, dagId, runId, taskId, -1))) {
      throw new RequestError(404, `Run "${runId}" of DAG "${dagId}" has no mapped task "${taskId}".`);
    }
    return tiPage(tis, total);
  });

  const tries = async (call: Call, mapIndex: number) => {
    const ti = await requireTi(db, call, mapIndex);
    const all = await listTries(db, ti.dag_id, ti.run_id, ti.task_id, mapIndex);
    if (str(call.query, "order_by") && !["try_number", "-try_number"].includes(str(call.query, "order_by")!)) {
      throw new RequestError(400, 'Tries can be ordered by try_number or -try_number only.');
    }
    if (str(call.query, "order_by") === "-try_number") all.reverse();
    const { limit, offset } = pageOf(call.query);
    return tiPage(all.slice(offset, offset + limit), all.length);
  };
  const tryDetails = async (call: Call, mapIndex: number) => {
    const ti = await requireTi(db, call, mapIndex);
    const found = (await listTries(db, ti.dag_id, ti.run_id, ti.task_id, mapIndex)).find((t) => t.try_number === Number(call.params.task_try_number));
    if (!found) throw new RequestError(404, `Task "${ti.task_id}" of run "${ti.run_id}" has no try ${call.params.task_try_number} (it has ${ti.try_number}).`);
    return taskInstanceJson(found);
  };
  route(router, db, "get_task_instance_tries", { dag: Resource.TASK_INSTANCE }, (call) => tries(call, -1));
  route(router, db, "get_mapped_task_instance_tries", { dag: Resource.TASK_INSTANCE }, (call) => tries(call, Number(call.params.map_index)));
  route(router, db, "get_task_instance_try_details", { dag: Resource.TASK_INSTANCE }, (call) => tryDetails(call, -1));
  route(router, db, "get_mapped_task_instance_try_details", { dag: Resource.TASK_INSTANCE }, (call) => tryDetails(call, Number(call.params.map_index)));

  const dependencies = async (call: Call, mapIndex: number) => {
    const ti = await requireTi(db, call, mapIndex);
    const { data } = await requireSerializedDag(db, await requireDag(db, ti.dag_id));
    return { dependencies: await failedDependencies(db, data, ti) };
  };
  route(router, db, "get_task_instance_dependencies", { dag: Resource.TASK_INSTANCE }, (call) => dependencies(call, -1));
  route(router, db, "get_mapped_task_instance_dependencies", { dag: Resource.TASK_INSTANCE }, (call) => dependencies(call, Number(call.params.map_index)));

  // Updraft operators define no extra links (Airflow's operator_extra_links) yet.
  route(router, db, "get_extra_links", { dag: Resource.TASK_INSTANCE }, async (call) => {
    await requireTi(db, call, -1);
    return { extra_links: [] };
  });

  route(router, db, "get_task_instance", { dag: Resource.TASK_INSTANCE }, async (call) => taskInstanceJson(await requireTi(db, call, -1)));
  route(router, db, "get_mapped_task_instance", { dag: Resource.TASK_INSTANCE }, async (call) =>
    taskInstanceJson(await requireTi(db, call, Number(call.params.map_index))));

  const patchOne = async (call: Call, mapIndex: number) => {
    const ti = await requireTi(db, call, mapIndex);
    const state = str(call.body, "new_state");
    if (!state) throw new RequestError(400, 'Give new_state: "success", "failed" or "skipped".');
    const dryRun = call.body.dry_run !== false;
    const changed = await markTaskInstances(db, {
      dagId: ti.dag_id, runId: ti.run_id, taskIds: [ti.task_id], mapIndexes: [mapIndex], state: state as MarkableState,
      upstream: false, downstream: false, future: false, past: false, dryRun, owner: call.user.username,
    });
    if (!dryRun && changed.length) hooks.onChange(`${ti.dag_id}\u0000${ti.run_id}`);
    return taskInstanceReferenceJson({ ...ti, logical_date: ti.logical_date });
  };
  route(router, db, "patch_task_instance", { dag: Resource.TASK_INSTANCE }, (call) => patchOne(call, -1));
  route(router, db, "patch_mapped_task_instance", { dag: Resource.TASK_INSTANCE }, (call) => patchOne(call, Number(call.params.map_index)));

  route(router, db, "post_set_task_instances_state", { dag: Resource.TASK_INSTANCE, action: "can_edit" }, async (call) => {
    const dagId = call.params.dag_id;
    const body = call.body;
    const taskId = str(body, "task_id");
    const state = str(body, "new_state");
    if (!taskId || !state) throw new RequestError(400, 'Give task_id and new_state ("success", "failed" or "skipped").');
    let runId = str(body, "dag_run_id");
    const logicalDate = date(body, "execution_date");
    if ((runId === null) === (logicalDate === null)) throw new RequestError(400, "Give either dag_run_id or execution_date (one of them, not both).");
    if (logicalDate) {
      runId = await runIdAt(db, dagId, logicalDate);
      if (!runId) throw new RequestError(404, `DAG "${dagId}" has no run with execution_date ${logicalDate.toISOString()}.`);
    }
    const dryRun = body.dry_run !== false;
    const changed = await markTaskInstances(db, {
      dagId, runId: runId!, taskIds: [taskId], state: state as MarkableState,
      upstream: body.include_upstream === true, downstream: body.include_downstream === true,
      future: body.include_future === true, past: body.include_past === true, dryRun, owner: call.user.username,
    });
    if (!dryRun) for (const run of new Set(changed.map((t) => t.run_id))) hooks.onChange(`${dagId}\u0000${run}`);
    const runs = new Map<string, Date>();
    for (const t of changed) if (!runs.has(t.run_id)) runs.set(t.run_id, (await requireDagRun(db, dagId, t.run_id)).logical_date);
    return { task_instances: changed.map((t) => taskInstanceReferenceJson({ ...t, logical_date: runs.get(t.run_id)! })) };
  });

  const setNote = async (call: Call, mapIndex: number) => {
    const ti = await requireTi(db, call, mapIndex);
    const note = str(call.body, "note");
    if (note === null) throw new RequestError(400, 'Give the note: {"note": "…"}.');
    await db.transaction(async (tx) => {
      await setTaskInstanceNote(tx, ti.dag_id, ti.run_id, ti.task_id, mapIndex, note);
      await audit(tx, call, "set_task_instance_note", { dagId: ti.dag_id, runId: ti.run_id, taskId: ti.task_id });
    });
    return taskInstanceJson({ ...ti, note });
  };
  route(router, db, "set_task_instance_note", { dag: Resource.TASK_INSTANCE }, (call) => setNote(call, -1));
  route(router, db, "set_mapped_task_instance_note", { dag: Resource.TASK_INSTANCE }, (call) => setNote(call, Number(call.params.map_index)));
}
