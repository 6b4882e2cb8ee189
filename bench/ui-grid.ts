/**
 * Issue 4's UI target: the grid of 25 runs × 100 tasks renders in ≤ 300 ms server time, with 10,000 DAG runs and
 * ~200,000 task instances in the database. Seeds a 100-task DAG (ten task groups of ten) with 25 runs of mixed states,
 * plus a 20-task DAG with 9,975 runs to fill the tables, then times GET /dags/bench_grid_100/grid through the UI
 * router (session check, queries, grid model, handlebars) over loopback HTTP: p50 of several requests.
 * Back end: embedded PGlite, or PostgreSQL with BENCH_BACKEND=postgres. BENCH_UI_SMALL=1 skips the filler runs.
 */
import express from "express";
import { BashOperator, dag, taskGroup } from "../index.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { listen } from "../webserver/app.ts";
import { uiRouter } from "../webserver/ui/router.ts";
import { BACKENDS } from "../test/helpers/databases.ts";
import { storeDags } from "../test/helpers/store-dags.ts";
import { UiClient } from "../test/helpers/ui-session.ts";
import { measure, report } from "./measure.ts";

const backendName = process.env.BENCH_BACKEND === "postgres" ? "postgres" : "pglite";
const db = await BACKENDS.find((b) => b.name === backendName)!.open();

const grid = dag({ dagId: "bench_grid_100", schedule: null, startDate: "2024-01-01" }, () => {
  let previous: ReturnType<typeof taskGroup> | null = null;
  for (let g = 0; g < 10; g++) {
    const group = taskGroup(`group_${g}`, () => {
      for (let t = 0; t < 10; t++) new BashOperator({ taskId: `task_${t}`, bashCommand: "true" });
    });
    if (previous) previous.then(group);
    previous = group;
  }
});
const filler = dag({ dagId: "bench_grid_filler", schedule: null, startDate: "2024-01-01" }, () => {
  for (let t = 0; t < 20; t++) new BashOperator({ taskId: `t${t}`, bashCommand: "true" });
});
await storeDags(db, [grid, filler]);

const STATES = ["success", "success", "success", "failed", "upstream_failed", "skipped", "running", "queued", null];
/** Runs of `dagId` (one a day from 2020) with one TI per task each. Parameters: dag_id, run count, first run number. */
async function seed(dagId: string, taskIds: string[], runs: number, first = 0): Promise<void> {
  await db.query(
    `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, start_date, end_date)
     SELECT $1, 'manual__' || i, 'manual', CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'success' END,
            timestamptz '2020-01-01' + i * interval '1 day', timestamptz '2020-01-01' + i * interval '1 day',
            timestamptz '2020-01-01' + i * interval '1 day' + (i % 13 + 1) * interval '1 minute'
       FROM generate_series($2::int, $3::int) AS i`,
    [dagId, first, first + runs - 1],
  );
  await db.query(
    `INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number, start_date, end_date, duration)
     SELECT $1, 'manual__' || i, t.task_id, ($4::text[])[1 + (i * 31 + t.n) % cardinality($4::text[])], 1,
            timestamptz '2020-01-01' + i * interval '1 day', timestamptz '2020-01-01' + i * interval '1 day' + interval '5 seconds', 5
       FROM generate_series($2::int, $3::int) AS i, unnest($5::text[]) WITH ORDINALITY AS t(task_id, n)`,
    [dagId, first, first + runs - 1, STATES, taskIds],
  );
}
const seedStarted = performance.now();
await seed("bench_grid_100", [...grid.tasks.keys()], 25);
if (process.env.BENCH_UI_SMALL !== "1") {
  // In chunks: one 200,000-row statement holds PGlite's whole WebAssembly heap at once.
  for (let first = 0; first < 9_975; first += 1_000) await seed("bench_grid_filler", [...filler.tasks.keys()], Math.min(1_000, 9_975 - first), first);
}
await db.maintain();
const counts = (await db.query<{ runs: number; tis: number }>("SELECT (SELECT count(*)::int FROM dag_run) AS runs, (SELECT count(*)::int FROM task_instance) AS tis")).rows[0];
const seedSeconds = (performance.now() - seedStarted) / 1000;

await db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('bench', 'Admin', $1)", [await hashPassword("bench")]);
const app = express();
app.use("/", uiRouter(db, { onChange: () => {} }));
const server = await listen(app, 0);
try {
  const client = new UiClient(server.url);
  await client.login("bench", "bench");
  let cells = 0;
  const get = async () => {
    const page = await client.get("/dags/bench_grid_100/grid");
    if (page.status !== 200) throw new Error(`grid answered ${page.status}`);
    cells = (page.text.match(/class="cell /g) ?? []).length;
  };
  await measure(3, get);
  const figures = await measure(15, get);
  report("ui_grid_25x100", {
    backend: backendName, runs_in_db: counts.runs, tis_in_db: counts.tis, cells, p50_ms: figures.median_ms, min_ms: figures.min_ms, max_ms: figures.max_ms,
    runs: figures.runs, target_ms: 300, seed_s: +seedSeconds.toFixed(1),
  });
} finally {
  await server.close();
  await db.close();
}
