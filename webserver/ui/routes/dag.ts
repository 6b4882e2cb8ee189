import type express from "express";
import type { Response } from "express";
import { getDagRun } from "../../../core/store/queries/dag-runs.ts";
import { listTaskInstances } from "../../../core/store/queries/task-instances.ts";
import { dagAbilities, dagUrl, loadDag, page, param, query, runUrl, tiUrl, type LoadedDag, type UiContext } from "../context.ts";
import { buildGrid } from "../grid-model.ts";
import { gridTaskInstances, latestRuns, taskDurations } from "../queries/grid.ts";
import { formatDuration, renderFragment, renderPage } from "../render.ts";
import { scheduleInWords } from "../schedule-words.ts";
import { stateClass, summaryState } from "../states.ts";

const DEFAULT_RUNS = 25;

/** Everything a DAG page's header needs (title, pause toggle, tabs, trigger button). */
function dagHeader(loaded: LoadedDag, res: Response, tab: string) {
  return {
    dag: { ...loaded.row, schedule: scheduleInWords(loaded.row.timetable_summary), docMd: loaded.dag.doc_md },
    can: dagAbilities(res, loaded),
    tab: { grid: tab === "grid", graph: tab === "graph", gantt: tab === "gantt", durations: tab === "durations" },
  };
}

export async function gridData(ctx: UiContext, loaded: LoadedDag, numRuns: number) {
  const dagId = loaded.row.dag_id;
  const runs = await latestRuns(ctx.db, dagId, numRuns);
  const tis = await gridTaskInstances(ctx.db, dagId, runs.map((r) => r.run_id));
  return buildGrid(loaded.dag, runs, tis, { run: (runId) => runUrl(dagId, runId), ti: (runId, taskId, mapIndex) => tiUrl(dagId, runId, taskId, mapIndex) });
}

/** The run a graph or Gantt page shows: `run_id` from the query, else the latest. */
async function chosenRun(ctx: UiContext, dagId: string, runId: string) {
  const runs = await latestRuns(ctx.db, dagId, DEFAULT_RUNS);
  const run = runId ? (await getDagRun(ctx.db, dagId, runId)) : runs[0] ?? null;
  return { run, runs: runs.map((r) => ({ runId: r.run_id, date: r.logical_date, state: r.state, selected: r.run_id === run?.run_id })) };
}

/** A state per task for one run (mapped tasks summarised), for the graph's colours. */
async function taskStates(ctx: UiContext, dagId: string, runId: string | null) {
  const states: Record<string, { state: string | null; count: number }> = {};
  if (!runId) return states;
  const tis = await listTaskInstances(ctx.db, dagId, runId);
  const byTask = new Map<string, typeof tis>();
  for (const ti of tis) byTask.set(ti.task_id, [...(byTask.get(ti.task_id) ?? []), ti]);
  for (const [taskId, list] of byTask) states[taskId] = { state: summaryState(list.map((t) => t.state)), count: list.filter((t) => t.map_index >= 0).length };
  return states;
}

/** A DAG's grid, graph and Gantt views, and the JSON and HTML fragments their live updates fetch. */
export function dagRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/dags/:dagId", (req, res) => res.redirect(302, dagUrl(param(req, "dagId"))));

  router.get("/dags/:dagId/grid", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const numRuns = Math.min(Math.max(Number(query(req, "num_runs")) || DEFAULT_RUNS, 1), 100);
    const grid = await gridData(ctx, loaded, numRuns);
    if (query(req, "fragment") === "1") {
      res.type("html").send(renderFragment("partials/grid-table", grid));
      return;
    }
    const counts = new Map<string, number>();
    for (const c of grid.columns) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
    const latest = grid.columns.at(-1) ?? null;
    renderPage(res, "grid", `${loaded.row.dag_id} · Grid`, {
      ...dagHeader(loaded, res, "grid"), ...grid, numRuns, here: req.originalUrl,
      details: {
        owner: loaded.row.owners, tags: loaded.row.tags, fileloc: loaded.row.fileloc, maxActiveRuns: loaded.row.max_active_runs,
        maxActiveTasks: loaded.row.max_active_tasks, tasks: loaded.dag.tasks.length, catchup: loaded.dag.catchup,
        runCounts: [...counts].map(([state, n]) => ({ state, n, cls: stateClass(state) })), latest,
      },
    });
  }));

  router.get("/dags/:dagId/graph", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const dagId = loaded.row.dag_id;
    const { run, runs } = await chosenRun(ctx, dagId, query(req, "run_id"));
    const graph = {
      dagId,
      runId: run?.run_id ?? null,
      // Without run_id in the URL the page follows the newest run, as a new one starts.
      followLatest: !query(req, "run_id"),
      tasks: loaded.dag.tasks.map((t) => ({ id: t.task_id, operator: t.operator, group: t.task_group_id, mapped: Boolean(t.mapped || t.mapped_group_id), upstream: t.upstream_task_ids })),
      groups: loaded.dag.task_groups.map((g) => ({ id: g.group_id, parent: g.parent_group_id })),
      states: await taskStates(ctx, dagId, run?.run_id ?? null),
      tiBase: run ? `${runUrl(dagId, run.run_id)}/tasks/` : null,
    };
    renderPage(res, "graph", `${dagId} · Graph`, { ...dagHeader(loaded, res, "graph"), graph, runs, run, here: req.originalUrl });
  }));

  router.get("/dags/:dagId/graph/states", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const runId = query(req, "run_id");
    const run = runId ? await getDagRun(ctx.db, loaded.row.dag_id, runId) : null;
    res.json({ run: run ? { run_id: run.run_id, state: run.state } : null, states: await taskStates(ctx, loaded.row.dag_id, run?.run_id ?? null) });
  }));

  // Task durations across the latest runs: one row per task, a bar per run scaled to the task's longest time.
  router.get("/dags/:dagId/durations", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const dagId = loaded.row.dag_id;
    const runs = [...(await latestRuns(ctx.db, dagId, DEFAULT_RUNS))].reverse();
    const found = new Map<string, { seconds: number | null; n: number }>();
    for (const [runId, taskId, seconds, n] of await taskDurations(ctx.db, dagId, runs.map((r) => r.run_id))) found.set(`${runId}\u0000${taskId}`, { seconds, n });
    const rows = loaded.dag.tasks.map((task) => {
      const values = runs.map((r) => found.get(`${r.run_id}\u0000${task.task_id}`) ?? null);
      const longest = Math.max(...values.map((v) => v?.seconds ?? 0), 0.001);
      const known = values.filter((v) => v?.seconds !== null && v?.seconds !== undefined).map((v) => v!.seconds!).sort((a, b) => a - b);
      return {
        taskId: task.task_id,
        median: known.length ? formatDuration(known[Math.floor(known.length / 2)]) : "",
        cells: values.map((v, i) => ({
          pct: v?.seconds ? Math.max((v.seconds / longest) * 100, 2).toFixed(1) : null,
          title: v ? `${runs[i].run_id}: ${formatDuration(v.seconds)}${v.n ? ` (${v.n} mapped)` : ""}` : `${runs[i].run_id}: did not run`,
        })),
      };
    });
    const columns = runs.map((r) => ({ runId: r.run_id, cls: stateClass(r.state), href: runUrl(dagId, r.run_id), date: r.logical_date, state: r.state }));
    renderPage(res, "durations", `${dagId} · Durations`, { ...dagHeader(loaded, res, "durations"), rows, columns, here: req.originalUrl });
  }));

  router.get("/dags/:dagId/gantt", page(async (req, res) => {
    const loaded = await loadDag(ctx, res, param(req, "dagId"));
    const dagId = loaded.row.dag_id;
    const { run, runs } = await chosenRun(ctx, dagId, query(req, "run_id"));
    const tis = run ? await listTaskInstances(ctx.db, dagId, run.run_id) : [];
    const order = new Map(loaded.dag.tasks.map((t, i) => [t.task_id, i]));
    const started = tis.filter((t) => t.start_date);
    const now = Date.now();
    const t0 = Math.min(...started.map((t) => t.start_date!.getTime()), run?.start_date?.getTime() ?? now);
    const t1 = Math.max(...started.map((t) => (t.end_date ?? new Date(now)).getTime()), t0 + 1000);
    const span = t1 - t0;
    const bars = tis
      .sort((a, b) => (order.get(a.task_id) ?? 0) - (order.get(b.task_id) ?? 0) || a.map_index - b.map_index)
      .map((t) => {
        const start = t.start_date?.getTime();
        const end = (t.end_date ?? (start ? new Date(now) : null))?.getTime();
        const seconds = t.duration ?? (start && end ? (end - start) / 1000 : null);
        return {
          label: t.map_index >= 0 ? `${t.task_id} [${t.map_index}]` : t.task_id,
          cls: stateClass(t.state), state: t.state ?? "no status", href: tiUrl(dagId, t.run_id, t.task_id, t.map_index),
          left: start ? (((start - t0) / span) * 100).toFixed(2) : null,
          width: start && end ? Math.max(((end - start) / span) * 100, 0.4).toFixed(2) : null,
          durationText: formatDuration(seconds),
          start: t.start_date, tryNumber: t.try_number,
        };
      });
    const ticks = [0, 25, 50, 75, 100].map((pct) => ({ pct, text: `+${formatDuration((span * pct) / 100 / 1000)}` }));
    renderPage(res, "gantt", `${dagId} · Gantt`, { ...dagHeader(loaded, res, "gantt"), bars, ticks, runs, run, spanText: formatDuration(span / 1000), start: new Date(t0), here: req.originalUrl });
  }));
}
