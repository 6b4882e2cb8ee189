import type express from "express";
import { requireDagRun } from "../../core/runs/require-dag.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { triggerDagRun } from "../../core/runs/trigger-dag-run.ts";
import type { Database } from "../../core/store/database.ts";
import { DAG_RUN_ORDER_FIELDS, listDagRuns } from "../../core/store/queries/dag-runs.ts";
import { listTaskInstances } from "../../core/store/queries/task-instances.ts";
import { didYouMean } from "../../core/suggest.ts";
import type { JsonObject } from "../../core/types.ts";
import { dateField, handle, pathParam, userOf } from "./handle.ts";
import type { RestApiHooks } from "./router.ts";
import { dagRunJson, taskInstanceJson } from "./serializers.ts";

/** Trigger (POST), list and get DAG runs, and list a run's task instances. */
export function dagRunsRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  router.post("/dags/:dagId/dagRuns", handle(async (req, res) => {
    const body = (req.body ?? {}) as { dag_run_id?: string; logical_date?: string; execution_date?: string; conf?: JsonObject; note?: string };
    if (body.conf !== undefined && (typeof body.conf !== "object" || body.conf === null || Array.isArray(body.conf))) {
      throw new RequestError(400, "conf must be a JSON object.");
    }
    const logicalDate = dateField(body.logical_date ?? body.execution_date, "logical_date") ?? undefined;
    const run = await triggerDagRun(db, pathParam(req, "dagId"), { runId: body.dag_run_id, logicalDate, conf: body.conf, note: body.note, owner: userOf(res) });
    hooks.onChange(`${run.dag_id}\u0000${run.run_id}`);
    res.json(dagRunJson(run));
  }));

  // Airflow answers an empty list for a DAG it does not know; so does this.
  router.get("/dags/:dagId/dagRuns", handle(async (req, res) => {
    const query = req.query as Record<string, string | string[] | undefined>;
    const states = query.state === undefined ? [] : [query.state].flat();
    const orderBy = typeof query.order_by === "string" ? query.order_by : "logical_date";
    const field = orderBy.replace(/^-/, "");
    if (!(DAG_RUN_ORDER_FIELDS as readonly string[]).includes(field)) {
      throw new RequestError(400, `Ordering with "${field}" is not allowed: use one of ${DAG_RUN_ORDER_FIELDS.join(", ")}.${didYouMean(field, DAG_RUN_ORDER_FIELDS)}`);
    }
    const { runs, total } = await listDagRuns(db, pathParam(req, "dagId"), {
      states,
      logicalDateGte: dateField(query.execution_date_gte, "execution_date_gte"),
      logicalDateLte: dateField(query.execution_date_lte, "execution_date_lte"),
      orderBy,
      limit: Math.min(Number(query.limit ?? 100) || 100, 100),
      offset: Number(query.offset ?? 0) || 0,
    });
    res.json({ dag_runs: runs.map(dagRunJson), total_entries: total });
  }));

  router.get("/dags/:dagId/dagRuns/:runId", handle(async (req, res) => {
    res.json(dagRunJson(await requireDagRun(db, pathParam(req, "dagId"), pathParam(req, "runId"))));
  }));

  router.get("/dags/:dagId/dagRuns/:runId/taskInstances", handle(async (req, res) => {
    const run = await requireDagRun(db, pathParam(req, "dagId"), pathParam(req, "runId"));
    const tis = await listTaskInstances(db, run.dag_id, run.run_id);
    res.json({ task_instances: tis.map((ti) => taskInstanceJson({ ...ti, logical_date: run.logical_date })), total_entries: tis.length });
  }));
}

