import type express from "express";
import { setPaused } from "../../core/runs/pause-dag.ts";
import { requireDag, requireSerializedDag } from "../../core/runs/require-dag.ts";
import type { Database } from "../../core/store/database.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { handle, pathParam, userOf } from "./handle.ts";
import type { RestApiHooks } from "./router.ts";
import { dagJson, taskJson } from "./serializers.ts";

/** GET /dags/{dag_id}, PATCH /dags/{dag_id} (is_paused), GET /dags/{dag_id}/tasks. */
export function dagsRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  router.get("/dags/:dagId", handle(async (req, res) => {
    res.json(dagJson(await requireDag(db, pathParam(req, "dagId"))));
  }));

  router.patch("/dags/:dagId", handle(async (req, res) => {
    const dagId = pathParam(req, "dagId");
    const isPaused = (req.body as { is_paused?: unknown } | undefined)?.is_paused;
    if (typeof isPaused !== "boolean") throw new RequestError(400, 'Body must be {"is_paused": true|false}.');
    const dag = await setPaused(db, dagId, isPaused, userOf(res));
    if (!isPaused) hooks.onChange();
    res.json(dagJson(dag));
  }));

  router.get("/dags/:dagId/tasks", handle(async (req, res) => {
    const { data } = await requireSerializedDag(db, await requireDag(db, pathParam(req, "dagId")));
    res.json({ tasks: data.tasks.map(taskJson) });
  }));
}
