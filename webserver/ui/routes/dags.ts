import type express from "express";
import { setPaused } from "../../../core/runs/pause-dag.ts";
import { canAccessDag } from "../../auth/permissions.ts";
import { backTo, dagAbilities, loadDag, page, param, query, redirectWith, requireAbility, userOf, type UiContext } from "../context.ts";
import { listDagsForUi, listDagTags, listImportErrors, type DagListFilter } from "../queries/dags-list.ts";
import { renderPage } from "../render.ts";
import { scheduleInWords } from "../schedule-words.ts";
import { stateClass } from "../states.ts";

/** The DAGs list (search, tag and status filters, import errors) and the pause toggle. */
export function dagsRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/dags", page(async (req, res) => {
    const status = query(req, "status");
    const filter: DagListFilter = { search: query(req, "search").trim(), tag: query(req, "tag"), status: status === "active" || status === "paused" ? status : "all" };
    const role = userOf(res).role;
    const [all, tags, importErrors] = await Promise.all([listDagsForUi(ctx.db, filter), listDagTags(ctx.db), listImportErrors(ctx.db)]);
    const dags = all.filter((d) => canAccessDag(role, "can_read", d.access_control)).map((d) => ({
      ...d,
      canPause: canAccessDag(role, "can_edit", d.access_control),
      schedule: scheduleInWords(d.timetable_summary),
      runs: [...d.recent_runs].reverse().map((r) => ({ ...r, cls: stateClass(r.state) })),
      lastRun: d.recent_runs[0] ?? null,
    }));
    renderPage(res, "dags", "DAGs", {
      dags, tags: tags.map((t) => ({ name: t, selected: t === filter.tag })), filter,
      statusAll: filter.status === "all", statusActive: filter.status === "active", statusPaused: filter.status === "paused",
      importErrors, here: req.originalUrl,
    });
  }));

  router.post("/dags/:dagId/pause", page(async (req, res) => {
    const dagId = param(req, "dagId");
    const loaded = await loadDag(ctx, res, dagId);
    requireAbility(res, dagAbilities(res, loaded).canPause, `pause or unpause DAG "${dagId}"`);
    const paused = (req.body as Record<string, unknown>).is_paused === "true";
    await setPaused(ctx.db, dagId, paused, userOf(res).username);
    if (!paused) ctx.hooks.onChange();
    redirectWith(res, backTo(req, "/dags"), "info", `DAG "${dagId}" ${paused ? "paused" : "unpaused"}.`);
  }));
}
