import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import {
  DATASET_EVENT_ORDER_COLUMNS, DATASET_ORDER_COLUMNS, getDataset, insertDatasetEvent, listDatasetEvents, listDatasets,
} from "../../core/store/queries/datasets.ts";
import { deleteQueuedEvents, listQueuedEvents, type QueuedEventRow } from "../../core/store/queries/dataset-queue.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import type { JsonObject } from "../../core/types.ts";
import { queueConsumers } from "../../core/store/queries/dataset-events.ts";
import type { RestApiHooks } from "./router.ts";
import { Resource } from "../auth/permissions.ts";
import { audit, date, list, num, str } from "./call-values.ts";
import { NO_CONTENT, route, type Call } from "./route.ts";
import { iso } from "./serializers.ts";
import { datasetEventJson, datasetJson } from "./resource-serializers.ts";

const D = Resource.DATASET;

/** Datasets and dataset events: list, get, and create an event (a user saying "this data changed"). */
export function datasetsRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  // Registered before /datasets/{uri} so that "events" is not taken for a URI.
  route(router, db, "get_dataset_events", { resource: D, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = orderByClause(call.query.order_by, DATASET_EVENT_ORDER_COLUMNS, "timestamp", "e.id");
    const { events, total } = await listDatasetEvents(db, {
      datasetId: num(call.query, "dataset_id"), sourceDagId: str(call.query, "source_dag_id"), sourceTaskId: str(call.query, "source_task_id"),
      sourceRunId: str(call.query, "source_run_id"), sourceMapIndex: num(call.query, "source_map_index"),
    }, order, limit, offset);
    return { dataset_events: events.map(datasetEventJson), total_entries: total };
  });

  route(router, db, "create_dataset_event", { resource: D, action: "can_create" }, async (call) => {
    const uri = str(call.body, "dataset_uri")!;
    const dataset = await getDataset(db, uri);
    if (!dataset) throw new RequestError(404, `Dataset "${uri}" does not exist: a dataset is known once a DAG declares it as an outlet or schedule.`);
    const { event, queued } = await db.transaction(async (tx) => {
      const created = await insertDatasetEvent(tx, dataset.id, (call.body.extra as JsonObject | null | undefined) ?? {});
      await audit(tx, call, "dataset.create", { extra: JSON.stringify({ dataset_uri: uri }) });
      // As a producer task's event would: the DAGs scheduled on the dataset get a run queued.
      return { event: created, queued: await queueConsumers(tx, dataset.id, dataset.uri) };
    });
    if (queued.length) hooks.onChange();
    return datasetEventJson(event);
  });

  const queued = (what: string, dagId: string | null, uri: string | null) => async (call: Call) => {
    const events = await listQueuedEvents(db, dagId ?? null, uri, date(call.query, "before"));
    if (!events.length) throw new RequestError(404, `No queued dataset event ${what}.`);
    return events;
  };
  const dropQueued = (what: string) => async (call: Call, dagId: string | null, uri: string | null) => {
    const deleted = await db.transaction(async (tx) => {
      const n = await deleteQueuedEvents(tx, dagId, uri, date(call.query, "before"));
      if (n) await audit(tx, call, "dataset.delete_queued_events", { dagId, extra: JSON.stringify({ uri, deleted: n }) });
      return n;
    });
    if (!deleted) throw new RequestError(404, `No queued dataset event ${what}.`);
    return NO_CONTENT;
  };
  const queuedJson = (e: QueuedEventRow) => ({ uri: e.uri, dag_id: e.dag_id, created_at: iso(e.created_at)! });

  route(router, db, "get_dag_dataset_queued_events", { resource: D, action: "can_read" }, async (call) => {
    const events = await queued(`for DAG "${call.params.dag_id}"`, call.params.dag_id, null)(call);
    return { datasets: events.map(queuedJson), total_entries: events.length };
  });
  route(router, db, "get_dag_dataset_queued_event", { resource: D, action: "can_read" }, async (call) =>
    queuedJson((await queued(`of "${call.params.uri}" for DAG "${call.params.dag_id}"`, call.params.dag_id, call.params.uri)(call))[0]));
  route(router, db, "get_dataset_queued_events", { resource: D, action: "can_read" }, async (call) => {
    const events = await queued(`of "${call.params.uri}"`, null, call.params.uri)(call);
    return { datasets: events.map(queuedJson), total_entries: events.length };
  });
  route(router, db, "delete_dag_dataset_queued_events", { resource: D, action: "can_delete" }, (call) =>
    dropQueued(`for DAG "${call.params.dag_id}"`)(call, call.params.dag_id, null));
  route(router, db, "delete_dag_dataset_queued_event", { resource: D, action: "can_delete" }, (call) =>
    dropQueued(`of "${call.params.uri}" for DAG "${call.params.dag_id}"`)(call, call.params.dag_id, call.params.uri));
  route(router, db, "delete_dataset_queued_events", { resource: D, action: "can_delete" }, (call) =>
    dropQueued(`of "${call.params.uri}"`)(call, null, call.params.uri));

  route(router, db, "get_datasets", { resource: D, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = orderByClause(call.query.order_by, DATASET_ORDER_COLUMNS, "id", "d.id");
    const dagIds = list(call.query, "dag_ids").flatMap((d) => d.split(",")).filter(Boolean);
    const { datasets, total } = await listDatasets(db, str(call.query, "uri_pattern"), dagIds.length ? dagIds : null, order, limit, offset);
    return { datasets: datasets.map(datasetJson), total_entries: total };
  });

  route(router, db, "get_dataset", { resource: D, action: "can_read" }, async (call) => {
    const dataset = await getDataset(db, call.params.uri);
    if (!dataset) throw new RequestError(404, `Dataset "${call.params.uri}" does not exist (GET /datasets lists them; URL-encode the URI).`);
    return datasetJson(dataset);
  });
}
