import type express from "express";
import { requireDagRun } from "../../../core/runs/require-dag.ts";
import { readTaskLog } from "../../../core/runs/task-log.ts";
import { getTaskInstance, listTaskInstances, type TiKey } from "../../../core/store/queries/task-instances.ts";
import { isFinishedTaskState } from "../../../core/types.ts";
import { dagAbilities, loadDag, page, param, query, requireAbility, runUrl, tiUrl, UiError, type UiContext } from "../context.ts";
import { listMappedInstances, listTries, listXComs, renderedFields } from "../queries/task-instance.ts";
import { formatDuration, renderPage } from "../render.ts";
import { stateClass } from "../states.ts";
import { redact } from "../../../core/masking/secrets-masker.ts";

const mapIndexOf = (raw: string): number => {
  if (raw === "") return -1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -1) throw new UiError(400, "map_index must be a whole number.");
  return n;
};

/** Run details, task-instance details (tries, rendered fields, XCom) and logs with a live tail. */
export function runRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/dags/:dagId/runs/:runId", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const run = await requireDagRun(ctx.db, loaded.row.dag_id, param(req, "runId"));
    const tis = (await listTaskInstances(ctx.db, run.dag_id, run.run_id)).map((t) => ({
      ...t, cls: stateClass(t.state), href: tiUrl(run.dag_id, run.run_id, t.task_id, t.map_index), durationText: formatDuration(t.duration),
    }));
    const seconds = run.start_date ? ((run.end_date ?? new Date()).getTime() - run.start_date.getTime()) / 1000 : null;
    renderPage(res, "run", `${run.dag_id} · ${run.run_id}`, {
      dag: loaded.row, run: { ...run, cls: stateClass(run.state), durationText: formatDuration(seconds), confText: JSON.stringify(run.conf, null, 2) },
      tis, can: dagAbilities(res, loaded), here: req.originalUrl,
    });
  }));

  router.get("/dags/:dagId/runs/:runId/tasks/:taskId", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const run = await requireDagRun(ctx.db, loaded.row.dag_id, param(req, "runId"));
    const key: TiKey = { dagId: run.dag_id, runId: run.run_id, taskId: param(req, "taskId"), mapIndex: mapIndexOf(query(req, "map_index")) };
    const ti = await getTaskInstance(ctx.db, key);
    const mapped = ti ? [] : await listMappedInstances(ctx.db, key.dagId, key.runId, key.taskId);
    if (!ti && !mapped.length) throw new UiError(404, `Run "${run.run_id}" has no task instance "${key.taskId}"${key.mapIndex >= 0 ? ` [${key.mapIndex}]` : ""}.`);
    const can = dagAbilities(res, loaded);
    const task = loaded.dag.tasks.find((t) => t.task_id === key.taskId) ?? null;
    const tries = ti ? await listTries(ctx.db, key) : [];
    const logTries = ti ? Array.from({ length: ti.try_number }, (_, i) => ({ n: i + 1, href: `${tiUrl(key.dagId, key.runId, key.taskId)}/log?try=${i + 1}${key.mapIndex >= 0 ? `&map_index=${key.mapIndex}` : ""}` })) : [];
    renderPage(res, "task-instance", `${key.taskId} · ${run.run_id}`, {
      dag: loaded.row, run, key, task, can, here: req.originalUrl,
      runHref: runUrl(run.dag_id, run.run_id),
      ti: ti ? { ...ti, cls: stateClass(ti.state), durationText: formatDuration(ti.duration) } : null,
      mapped: mapped.map((m) => ({ ...m, cls: stateClass(m.state), href: tiUrl(key.dagId, key.runId, key.taskId, m.map_index) })),
      tries: tries.map((t) => ({ ...t, cls: stateClass(t.state), durationText: formatDuration(t.duration) })),
      logTries: can.canReadLogs ? logTries : [],
      rendered: ti ? Object.entries((await renderedFields(ctx.db, key)) ?? {}).map(([name, value]) => ({ name, value: typeof value === "string" ? value : JSON.stringify(value, null, 2) })) : [],
      xcoms: ti && can.canReadXcom ? (await listXComs(ctx.db, key)).map((x) => ({ ...x, valueText: redact(JSON.stringify(x.value, null, 2)) })) : [],
    });
  }));

  router.get("/dags/:dagId/runs/:runId/tasks/:taskId/log", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    requireAbility(res, dagAbilities(res, loaded).canReadLogs, "read task logs");
    const run = await requireDagRun(ctx.db, loaded.row.dag_id, param(req, "runId"));
    const key: TiKey = { dagId: run.dag_id, runId: run.run_id, taskId: param(req, "taskId"), mapIndex: mapIndexOf(query(req, "map_index")) };
    const ti = await getTaskInstance(ctx.db, key);
    if (!ti) throw new UiError(404, `Run "${run.run_id}" has no task instance "${key.taskId}".`);
    const tryNumber = Number(query(req, "try")) || ti.try_number;
    const tries = Array.from({ length: ti.try_number }, (_, i) => ({ n: i + 1, selected: i + 1 === tryNumber }));
    const base = `${tiUrl(key.dagId, key.runId, key.taskId)}/log`;
    const mapSuffix = key.mapIndex >= 0 ? `&map_index=${key.mapIndex}` : "";
    renderPage(res, "log", `Log · ${key.taskId}`, {
      dag: loaded.row, run, key, ti: { ...ti, cls: stateClass(ti.state) }, tryNumber, tries, base, mapSuffix,
      tiHref: tiUrl(key.dagId, key.runId, key.taskId, key.mapIndex), dataUrl: `${base}/data?try=${tryNumber}${mapSuffix}`,
      noLogs: !ctx.logPathFor, notStarted: ti.try_number === 0,
    });
  }));

  // The live tail: the log from byte `pos` on, and whether the try is over (the page stops polling then).
  router.get("/dags/:dagId/runs/:runId/tasks/:taskId/log/data", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    requireAbility(res, dagAbilities(res, loaded).canReadLogs, "read task logs");
    if (!ctx.logPathFor) throw new UiError(404, "This webserver does not serve logs.");
    const key: TiKey = { dagId: loaded.row.dag_id, runId: param(req, "runId"), taskId: param(req, "taskId"), mapIndex: mapIndexOf(query(req, "map_index")) };
    const pos = Math.max(Number(query(req, "pos")) || 0, 0);
    // try=0 (the page of a TI that had not started): whichever try is current now.
    let tryNumber = Number(query(req, "try"));
    if (tryNumber === 0) {
      const ti = await getTaskInstance(ctx.db, key);
      tryNumber = ti?.try_number ?? 0;
      if (tryNumber === 0) {
        // Never ran: still waiting, or finished without running (skipped, upstream_failed).
        const over = !ti || isFinishedTaskState(ti.state);
        res.json({ content: over ? `This task instance did not run (state: ${ti?.state ?? "unknown"}).\n` : "", pos: 0, end: over, waiting: over ? undefined : "The task has not started yet." });
        return;
      }
    }
    try {
      const log = await readTaskLog(ctx.db, key, tryNumber, ctx.logPathFor, pos);
      res.json({ content: log.content, pos: log.size, end: log.endOfLog });
    } catch (error) {
      // Not written yet (the try is queued): the page keeps polling while the TI can still run.
      const ti = await getTaskInstance(ctx.db, key);
      if (ti && !isFinishedTaskState(ti.state)) {
        res.json({ content: "", pos, end: false, waiting: (error as Error).message });
        return;
      }
      throw error;
    }
  }));
}
