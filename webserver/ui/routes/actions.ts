import type express from "express";
import { clearTaskInstances } from "../../../core/runs/clear-task-instances.ts";
import { markTaskInstances, type MarkableState } from "../../../core/runs/mark-task-instances.ts";
import { RequestError } from "../../../core/runs/request-error.ts";
import { requireDagRun } from "../../../core/runs/require-dag.ts";
import { setDagRunState } from "../../../core/runs/set-dag-run-state.ts";
import { triggerDagRun } from "../../../core/runs/trigger-dag-run.ts";
import { parseDate } from "../../../core/dates.ts";
import { backTo, dagAbilities, dagUrl, loadDag, page, param, redirectWith, requireAbility, runUrl, UiError, userOf, type UiContext } from "../context.ts";
import { bodyOf, flag, text } from "../form.ts";
import { renderPage } from "../render.ts";
import { confFromForm, paramFields } from "../trigger-form.ts";


/** Trigger (with a form generated from the DAG's params), clear, mark task instances and set a run's state. */
export function actionRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/dags/:dagId/trigger", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    requireAbility(res, dagAbilities(res, loaded).canTrigger, `trigger DAG "${loaded.row.dag_id}"`);
    renderPage(res, "trigger", `Trigger ${loaded.row.dag_id}`, { dag: loaded.row, fields: paramFields(loaded.dag.params), docMd: loaded.dag.doc_md });
  }));

  router.post("/dags/:dagId/trigger", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const dagId = loaded.row.dag_id;
    requireAbility(res, dagAbilities(res, loaded).canTrigger, `trigger DAG "${dagId}"`);
    const body = bodyOf(req);
    const given = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    try {
      const conf = confFromForm(loaded.dag.params, body);
      const logicalDate = text(body, "logical_date") ? parseDate(text(body, "logical_date"), "logical_date") : undefined;
      const run = await triggerDagRun(ctx.db, dagId, { conf, runId: text(body, "run_id") || undefined, logicalDate, note: text(body, "note") || null, owner: userOf(res).username });
      ctx.hooks.onChange(`${run.dag_id}\u0000${run.run_id}`);
      if (loaded.row.is_paused) redirectWith(res, dagUrl(dagId), "info", `Triggered run "${run.run_id}". The DAG is paused: unpause it for the run to start.`);
      else redirectWith(res, dagUrl(dagId), "info", `Triggered run "${run.run_id}".`);
    } catch (error) {
      if (error instanceof RequestError && error.status === 404) throw error;
      // A bad form comes back filled in as it was, with what is wrong.
      renderPage(res, "trigger", `Trigger ${dagId}`, {
        dag: loaded.row, fields: paramFields(loaded.dag.params, given), error: (error as Error).message,
        runId: given.run_id ?? "", logicalDate: given.logical_date ?? "", note: given.note ?? "", conf: given.conf ?? "",
      }, 400);
    }
  }));

  router.post("/dags/:dagId/clear", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const dagId = loaded.row.dag_id;
    requireAbility(res, dagAbilities(res, loaded).canEditTasks, `clear task instances of DAG "${dagId}"`);
    const body = bodyOf(req);
    const run = await requireDagRun(ctx.db, dagId, text(body, "run_id"));
    const taskId = text(body, "task_id");
    const result = await clearTaskInstances(ctx.db, dagId, {
      taskIds: taskId ? [taskId] : null,
      includeUpstream: flag(body, "upstream"),
      includeDownstream: flag(body, "downstream"),
      startDate: flag(body, "past") ? null : run.logical_date,
      endDate: flag(body, "future") ? null : run.logical_date,
      onlyFailed: flag(body, "only_failed"),
      onlyRunning: false,
      // As Airflow's UI: a cleared run goes back to queued and runs again.
      resetDagRuns: true,
      dryRun: false,
    }, userOf(res).username);
    for (const runId of new Set(result.taskInstances.map((t) => t.run_id))) ctx.hooks.onChange(`${dagId}\u0000${runId}`);
    ctx.hooks.onChange();
    const n = result.taskInstances.length;
    redirectWith(res, backTo(req, dagUrl(dagId)), "info", n ? `Cleared ${n} task instance${n === 1 ? "" : "s"}: they will run again.` : "Nothing to clear.");
  }));

  router.post("/dags/:dagId/mark", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const dagId = loaded.row.dag_id;
    requireAbility(res, dagAbilities(res, loaded).canEditTasks, `mark task instances of DAG "${dagId}"`);
    const body = bodyOf(req);
    const state = text(body, "state");
    if (state !== "success" && state !== "failed" && state !== "skipped") throw new UiError(400, "state must be success, failed or skipped.");
    const runId = text(body, "run_id");
    const mapIndex = text(body, "map_index");
    const changed = await markTaskInstances(ctx.db, {
      dagId, runId, taskIds: [text(body, "task_id")], mapIndexes: mapIndex && Number(mapIndex) >= 0 ? [Number(mapIndex)] : undefined,
      state: state as MarkableState, upstream: flag(body, "upstream"), downstream: flag(body, "downstream"), future: flag(body, "future"), past: flag(body, "past"),
      dryRun: false, owner: userOf(res).username,
    });
    for (const r of new Set(changed.map((t) => t.run_id))) ctx.hooks.onChange(`${dagId}\u0000${r}`);
    redirectWith(res, backTo(req, runUrl(dagId, runId)), "info", `Marked ${changed.length} task instance${changed.length === 1 ? "" : "s"} ${state}.`);
  }));

  router.post("/dags/:dagId/runs/:runId/state", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const dagId = loaded.row.dag_id;
    requireAbility(res, dagAbilities(res, loaded).canEditRuns, `change runs of DAG "${dagId}"`);
    const state = text(bodyOf(req), "state");
    if (state !== "success" && state !== "failed" && state !== "queued") throw new UiError(400, "state must be success, failed or queued.");
    const run = await setDagRunState(ctx.db, dagId, param(req, "runId"), state, userOf(res).username);
    ctx.hooks.onChange(`${dagId}\u0000${run.run_id}`);
    redirectWith(res, backTo(req, runUrl(dagId, run.run_id)), "info", `Run "${run.run_id}" is now ${run.state}.`);
  }));
}
