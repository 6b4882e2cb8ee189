import type express from "express";
import { backfillDag, REPROCESS_BEHAVIORS, type ReprocessBehavior } from "../../core/runs/backfill.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { dagAccessControl } from "../../core/store/queries/dag-access.ts";
import { canAccessDag, isAuthorized, Resource } from "../auth/permissions.ts";
import { dateField, handle, userOf } from "./handle.ts";
import { problem } from "./problem.ts";
import type { RestApiHooks } from "./router.ts";
import { backfillJson } from "./serializers.ts";

/**
 * POST /backfills — not in Airflow 2's v1 API, which has no backfill endpoint (backfill is CLI-only there). The body
 * uses the field names of Airflow 3's `POST /backfills`: {dag_id, from_date, to_date, reprocess_behavior}. The answer
 * lists the runs created, the existing runs cleared to run again, and the existing runs skipped, as DAGRuns.
 */
export function backfillRoutes(router: express.Router, db: Database, hooks: RestApiHooks): void {
  router.post("/backfills", handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.dag_id !== "string" || !body.dag_id) throw new RequestError(400, "dag_id is required.");
    const role = (res.locals.user as { role: string }).role;
    if (!isAuthorized(role, "can_create", Resource.DAG_RUN) || !canAccessDag(role, "can_edit", await dagAccessControl(db, body.dag_id))) {
      problem(res, 403, `Role "${role}" may not backfill DAG "${body.dag_id}": it needs to create DAG runs and edit that DAG.`);
      return;
    }
    const fromDate = dateField(body.from_date, "from_date");
    const toDate = dateField(body.to_date, "to_date");
    if (!fromDate || !toDate) throw new RequestError(400, "from_date and to_date are required.");
    const reprocess = (body.reprocess_behavior ?? "none") as ReprocessBehavior;
    if (!REPROCESS_BEHAVIORS.includes(reprocess)) throw new RequestError(400, `reprocess_behavior must be one of ${REPROCESS_BEHAVIORS.join(", ")}.`);
    const result = await backfillDag(db, body.dag_id, { fromDate, toDate, reprocess }, userOf(res));
    for (const run of result.rerun) hooks.onChange(`${run.dag_id}\u0000${run.run_id}`);
    if (result.created.length || result.rerun.length) hooks.onChange();
    res.json(backfillJson(body.dag_id, { fromDate, toDate, reprocess }, result));
  }));
}
