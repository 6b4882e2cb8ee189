import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { pageOf } from "../../core/store/queries/order-by.ts";
import { listXComEntries } from "../../core/store/queries/xcom-list.ts";
import { Resource } from "../auth/permissions.ts";
import { dagScope, num, str, wildcard } from "./call-values.ts";
import { route } from "./route.ts";
import { xcomItemJson } from "./resource-serializers.ts";
import { redactJson } from "../../core/masking/secrets-masker.ts";

/** XCom entries of a TI (`~` for any DAG, run or task) and one entry with its value. */
export function xcomRoutes(router: express.Router, db: Database): void {
  route(router, db, "get_xcom_entries", { dag: Resource.XCOM }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const dagId = wildcard(call.params.dag_id);
    const { entries, total } = await listXComEntries(db, {
      dagIds: await dagScope(call, dagId ? [dagId] : null), runId: wildcard(call.params.dag_run_id), taskId: wildcard(call.params.task_id),
      mapIndex: num(call.query, "map_index"), key: str(call.query, "xcom_key"),
    }, limit, offset);
    return { xcom_entries: entries.map(xcomItemJson), total_entries: total };
  });

  route(router, db, "get_xcom_entry", { dag: Resource.XCOM }, async (call) => {
    const { dag_id: dagId, dag_run_id: runId, task_id: taskId, xcom_key: key } = call.params;
    const mapIndex = num(call.query, "map_index") ?? -1;
    const { entries } = await listXComEntries(db, { dagIds: [dagId], runId, taskId, mapIndex, key }, 1, 0);
    const entry = entries[0];
    if (!entry) throw new RequestError(404, `Task "${taskId}" (map index ${mapIndex}) of run "${runId}" of DAG "${dagId}" has no XCom "${key}".`);
    // Values are stored as JSON: `stringify` (the default) gives their JSON text, as Airflow gives str() of the value.
    const value = call.query.stringify === false || call.query.deserialize === true ? entry.value : typeof entry.value === "string" ? entry.value : JSON.stringify(entry.value);
    return { ...xcomItemJson(entry), value: redactJson(value ?? null) };
  });
}
