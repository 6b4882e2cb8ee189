import { readFile } from "node:fs/promises";
import type express from "express";
import { setPaused } from "../../core/runs/pause-dag.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { requireDag, requireSerializedDag } from "../../core/runs/require-dag.ts";
import type { Database } from "../../core/store/database.ts";
import {
  countActiveTaskInstances, DAG_ORDER_COLUMNS, deleteDagRow, isKnownDagFile, listDags, matchingDagIds, requestReparse, setDagsPaused, type DagListFilter,
} from "../../core/store/queries/dag-list.ts";
import { dagRunStateCounts } from "../../core/store/queries/dag-run-list.ts";
import { getDagRow } from "../../core/store/queries/dags.ts";
import { DAG_RUN_STATES } from "../../core/types.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import { didYouMean } from "../../core/suggest.ts";
import { Resource } from "../auth/permissions.ts";
import { audit, bool, dagScope, list, pickFields, str } from "./call-values.ts";
import type { RestApiHooks } from "./router.ts";
import { NO_CONTENT, readableDagIds, route, type Call } from "./route.ts";
import { dagDetailJson, dagJson, taskJson } from "./serializers.ts";

const DAG_RUN_STATE_NAMES = Object.values(DAG_RUN_STATES);

function dagFilter(call: Call, dagIds: string[] | null): DagListFilter {
  return {
    tags: list(call.query, "tags"),
    dagIdPattern: str(call.query, "dag_id_pattern"),
    onlyActive: bool(call.query, "only_active") ?? true,
    paused: bool(call.query, "paused"),
    dagIds,
  };
}

/** The update_mask of a PATCH on DAGs: only is_paused can change through the API (as Airflow). */
function pausedFromBody(call: Call): boolean {
  const mask = list(call.query, "update_mask");
  if (mask.some((f) => f !== "is_paused")) throw new RequestError(400, "Only the `is_paused` field can be updated through the REST API: use update_mask=is_paused.");
  const isPaused = call.body.is_paused;
  if (typeof isPaused !== "boolean") throw new RequestError(400, 'Give "is_paused": true or false in the body.');
  return isPaused;
}

/** DAGs: list, bulk pause, get, details, pause, delete, tasks, and the DAG file's source. */
export function dagsRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  route(router, db, "get_dags", { dag: null }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = orderByClause(call.query.order_by, DAG_ORDER_COLUMNS, "dag_id", "d.dag_id");
    const { dags, total } = await listDags(db, dagFilter(call, await dagScope(call, null)), order, limit, offset);
    return { dags: pickFields(dags.map(dagJson), list(call.query, "fields")), total_entries: total };
  });

  route(router, db, "patch_dags", { dag: null, action: "can_edit" }, async (call) => {
    const isPaused = pausedFromBody(call);
    const { limit, offset } = pageOf(call.query);
    const editable = await readableDagIds(db, call.user.role, "can_edit");
    const pattern = str(call.query, "dag_id_pattern");
    const filter = dagFilter(call, editable);
    if (pattern === "~") filter.dagIdPattern = null;
    const dagIds = await matchingDagIds(db, filter, limit, offset);
    if (dagIds.length) {
      await db.transaction(async (tx) => {
        await setDagsPaused(tx, dagIds, isPaused);
        await audit(tx, call, isPaused ? "paused" : "unpaused", { extra: JSON.stringify({ dag_ids: dagIds }) });
      });
      if (!isPaused) hooks.onChange();
    }
    const { dags } = await listDags(db, { ...filter, dagIds, dagIdPattern: null, paused: null }, "ORDER BY d.dag_id", limit, 0);
    return { dags: dags.map(dagJson), total_entries: dags.length };
  });

  route(router, db, "get_dag", { dag: null }, async (call) => {
    const dag = await getDagRow(db, call.params.dag_id);
    if (!dag) await requireDag(db, call.params.dag_id);
    return pickFields([dagJson(dag!)], list(call.query, "fields"))[0];
  });

  route(router, db, "patch_dag", { dag: null }, async (call) => {
    const isPaused = pausedFromBody(call);
    const dag = await setPaused(db, call.params.dag_id, isPaused, call.user.username);
    if (!isPaused) hooks.onChange();
    return dagJson(dag);
  });

  route(router, db, "delete_dag", { dag: null }, async (call) => {
    const dagId = call.params.dag_id;
    const dag = await getDagRow(db, dagId);
    if (!dag) await requireDag(db, dagId);
    const active = await countActiveTaskInstances(db, dagId);
    if (active > 0) throw new RequestError(409, `DAG "${dagId}" has ${active} task instance(s) queued or running: wait for them to finish (or mark them failed), then delete it.`);
    await db.transaction(async (tx) => {
      await deleteDagRow(tx, dagId);
      // As in Airflow, a DAG whose file is still in the DAGs folder comes back (without its history) at the next parse.
      await requestReparse(tx, dag!.fileloc);
      await audit(tx, call, "delete_dag", { dagId });
    });
    return NO_CONTENT;
  });

  route(router, db, "get_dag_details", { dag: null }, async (call) => {
    const dag = await requireDag(db, call.params.dag_id);
    const { data } = await requireSerializedDag(db, dag);
    return pickFields([dagDetailJson(dag, data)], list(call.query, "fields"))[0];
  });

  route(router, db, "get_tasks", { dag: Resource.TASK_INSTANCE }, async (call) => {
    const { data } = await requireSerializedDag(db, await requireDag(db, call.params.dag_id));
    const tasks = data.tasks.map(taskJson);
    // Without order_by, the DAG's own (topological) order, which the CLI shows; Airflow sorts by task_id by default.
    const orderBy = str(call.query, "order_by");
    if (orderBy) {
      const field = orderBy.replace(/^-/, "") as keyof (typeof tasks)[number];
      if (tasks.length && !(field in tasks[0])) throw new RequestError(400, `Ordering with "${field}" is disallowed or the attribute does not exist.`);
      tasks.sort((a, b) => String(a[field]).localeCompare(String(b[field])) * (orderBy.startsWith("-") ? -1 : 1));
    }
    return { tasks, total_entries: tasks.length };
  });

  route(router, db, "get_task", { dag: Resource.TASK_INSTANCE }, async (call) => {
    const { data } = await requireSerializedDag(db, await requireDag(db, call.params.dag_id));
    const task = data.tasks.find((t) => t.task_id === call.params.task_id);
    if (!task) throw new RequestError(404, `DAG "${data.dag_id}" has no task "${call.params.task_id}".${didYouMean(call.params.task_id, data.tasks.map((t) => t.task_id))}`);
    return taskJson(task);
  });

  route(router, db, "get_dag_stats", { dag: Resource.DAG_RUN, action: "can_read" }, async (call) => {
    const named = (str(call.query, "dag_ids") ?? "").split(",").map((d) => d.trim()).filter(Boolean);
    const dagIds = (await dagScope(call, named)) ?? named;
    const counts = await dagRunStateCounts(db, dagIds);
    const dags = dagIds.map((dagId) => ({
      dag_id: dagId,
      stats: DAG_RUN_STATE_NAMES.map((state) => ({ state, count: counts.find((c) => c.dag_id === dagId && c.state === state)?.count ?? 0 })),
    }));
    return { dags, total_entries: dags.length };
  });

  // Updraft records no DAG warnings (Airflow's are about pools a DAG names that do not exist, and similar).
  route(router, db, "get_dag_warnings", { resource: Resource.DAG_WARNING, action: "can_read" }, async () => ({ import_errors: [], total_entries: 0 }));

  route(router, db, "reparse_dag_file", { dag: null, action: "can_edit" }, async (call) => {
    const fileloc = Buffer.from(call.params.file_token, "base64url").toString("utf8");
    if (!fileloc || !(await isKnownDagFile(db, fileloc)) || !(await requestReparse(db, fileloc))) {
      throw new RequestError(404, "No DAG file has this file token: take file_token from GET /dags/{dag_id}.");
    }
    await audit(db, call, "reparse_dag_file", { extra: JSON.stringify({ fileloc }) });
    call.res.status(201).end();
    return undefined;
  });

  route(router, db, "get_dag_source", { resource: Resource.DAG_CODE, action: "can_read" }, async (call) => {
    const fileloc = Buffer.from(call.params.file_token, "base64url").toString("utf8");
    // Only a file some DAG was parsed from is served: a token naming any other path (../../etc/passwd) is a 404.
    if (!fileloc || !(await isKnownDagFile(db, fileloc))) {
      throw new RequestError(404, "No DAG file has this file token: take file_token from GET /dags/{dag_id}.");
    }
    const content = await readFile(fileloc, "utf8").catch(() => {
      throw new RequestError(404, "The DAG file of this token is no longer readable on the webserver's disk.");
    });
    if (call.req.accepts(["application/json", "text/plain"]) === "text/plain") {
      call.res.type("text/plain").send(content);
      return undefined;
    }
    return { content };
  });
}
