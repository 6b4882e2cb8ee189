/**
 * Issue 4 benchmark: the REST API's list endpoints over HTTP (limit 100, basic auth) with 10,000 DAG runs and 200,000
 * task instances in the database (10 DAGs × 1,000 runs × 20 tasks, seeded with generate_series). Target: p50 ≤ 50 ms.
 * Back end: embedded PGlite, or PostgreSQL with BENCH_BACKEND=postgres.
 */
import express from "express";
import { migrate } from "../core/store/migrate.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { listen } from "../webserver/app.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { BACKENDS } from "../test/helpers/databases.ts";
import { measure, report } from "./measure.ts";

const DAGS = 10;
const RUNS_PER_DAG = 1_000;
const TASKS = 20;
const REQUESTS = 41;

const backendName = process.env.BENCH_BACKEND === "postgres" ? "postgres" : "pglite";
const db = await BACKENDS.find((b) => b.name === backendName)!.open();
await migrate(db);
await db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('bench', 'Admin', $1)", [await hashPassword("bench-pw")]);
await db.query(
  `INSERT INTO dag (dag_id, fileloc, is_paused, tags) SELECT 'bench_' || d, '/dags/bench_' || d || '.ts', d % 2 = 0, '["bench"]' FROM generate_series(0, $1 - 1) d`,
  [DAGS],
);
await db.query(
  `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end, start_date, end_date)
   SELECT 'bench_' || d, 'scheduled__' || r, 'scheduled', CASE WHEN r % 10 = 0 THEN 'failed' ELSE 'success' END,
          timestamptz '2020-01-01' + r * interval '1 day', timestamptz '2020-01-01' + (r - 1) * interval '1 day',
          timestamptz '2020-01-01' + r * interval '1 day', timestamptz '2020-01-01' + r * interval '1 day', timestamptz '2020-01-01' + r * interval '1 day' + interval '5 minutes'
     FROM generate_series(0, $1 - 1) d, generate_series(0, $2 - 1) r`,
  [DAGS, RUNS_PER_DAG],
);
await db.query(
  `INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number, start_date, end_date, duration, operator)
   SELECT r.dag_id, r.run_id, 'task_' || t, 'success', 1, r.start_date, r.end_date, 300, 'BashOperator'
     FROM dag_run r, generate_series(0, $1 - 1) t`,
  [TASKS],
);
await db.query("ANALYZE");
const { rows } = await db.query<{ runs: number; tis: number }>("SELECT (SELECT count(*)::int FROM dag_run) AS runs, (SELECT count(*)::int FROM task_instance) AS tis");

const app = express();
app.use("/api/v1", restApiRouter(db, { onChange: () => {} }));
const server = await listen(app, 0);
const headers = { authorization: `Basic ${Buffer.from("bench:bench-pw").toString("base64")}`, accept: "application/json" };
const get = async (path: string) => {
  const response = await fetch(`${server.url}/api/v1${path}`, { headers });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

const ENDPOINTS: Record<string, string> = {
  dags: "/dags?limit=100",
  dag_runs_one_dag: "/dags/bench_3/dagRuns?limit=100&order_by=-execution_date",
  dag_runs_all_dags: "/dags/~/dagRuns?limit=100&offset=5000",
  dag_runs_batch: "",
  task_instances_one_run: "/dags/bench_3/dagRuns/scheduled__500/taskInstances?limit=100",
  task_instances_all: "/dags/~/dagRuns/~/taskInstances?limit=100&state=success",
};

try {
  await get("/dags?limit=1"); // The first login hashes the password (~50 ms); it is remembered for a minute.
  const figures: Record<string, number> = {};
  for (const [name, path] of Object.entries(ENDPOINTS)) {
    const call = name === "dag_runs_batch"
      ? () => fetch(`${server.url}/api/v1/dags/~/dagRuns/list`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ page_limit: 100, states: ["failed"] }) }).then((r) => r.json())
      : () => get(path);
    await call();
    figures[`${name}_p50_ms`] = (await measure(REQUESTS, call)).median_ms;
  }
  report("api_list_endpoints", { backend: backendName, dag_runs: rows[0].runs, task_instances: rows[0].tis, limit: 100, requests: REQUESTS, ...figures });
} finally {
  await server.close();
  await db.close();
}
