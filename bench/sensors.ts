/**
 * Issue 6 benchmark: BENCH_SENSORS (default 1,000) sensors waiting at once with a small executor (4 runners), in
 * reschedule mode (FileSensor, poke every 60 s, Airflow's default) and deferred (FileSensor and DateTimeSensorAsync in the triggerer, the
 * latter also with end_from_trigger).
 * For each mode: how long until every sensor waits; that 20 real tasks still run meanwhile (and how fast); RSS and
 * CPU of the waiting set over 10 s (this process — scheduler, executor, execution API, triggerer — plus the runner
 * processes); and the latency from the awaited event (the files created at once / the target time) to each sensor's
 * success (median, p99). Back end: embedded PGlite, or PostgreSQL with BENCH_BACKEND=postgres.
 *   node bin/run-ts.js bench/sensors.ts
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { Triggerer } from "../triggerer/triggerer.ts";
import { BACKENDS } from "../test/helpers/databases.ts";
import { startHarness, type Harness } from "../test/helpers/scheduler-harness.ts";
import { report } from "./measure.ts";

const N = Number(process.env.BENCH_SENSORS ?? 1000);
const RUNNERS = 4;
const backend = BACKENDS.find((b) => b.name === (process.env.BENCH_BACKEND === "postgres" ? "postgres" : "pglite"))!;
const bag = await DagBag.load(new URL("./dags-sensors", import.meta.url).pathname);

/** RSS (MB) and CPU time (s) of this process and its descendants, from /proc (Linux). */
async function usage(): Promise<{ rssMb: number; cpuSeconds: number }> {
  const pids = [process.pid];
  for (let i = 0; i < pids.length; i++) {
    const tasks = await readdir(`/proc/${pids[i]}/task`).catch(() => []);
    for (const t of tasks) {
      const children = await readFile(`/proc/${pids[i]}/task/${t}/children`, "utf8").catch(() => "");
      pids.push(...children.split(" ").filter(Boolean).map(Number));
    }
  }
  let rssKb = 0;
  let ticks = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = (await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")).split(") ")[1]?.split(" ") ?? [];
    ticks += Number(stat[11] ?? 0) + Number(stat[12] ?? 0);
  }
  return { rssMb: Math.round(rssKb / 1024), cpuSeconds: ticks / 100 };
}

async function count(db: Database, dagId: string, runId: string, states: string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND state = ANY($3::text[])", [dagId, runId, states]);
  return rows[0].n;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measureMode(h: Harness, dagId: string, waiting: string, fire: (dir: string) => Promise<Date>, conf: (dir: string) => Record<string, string>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-bench-sensors-"));
  try {
    const started = performance.now();
    const run = await triggerDagRun(h.db, dagId, { conf: conf(dir) });
    h.scheduler.runsCreated();
    await until(`${N} sensors to wait`, async () => (await count(h.db, dagId, run.run_id, [waiting])) >= N);
    const parkSeconds = (performance.now() - started) / 1000;

    const before = await usage();
    const windowStart = performance.now();
    const workStarted = performance.now();
    const work = await triggerDagRun(h.db, "bench_sensors_work", { runId: `work_${dagId}` });
    h.scheduler.runsCreated();
    const workState = await h.waitForRun("bench_sensors_work", work.run_id, 600_000);
    const workSeconds = (performance.now() - workStarted) / 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (performance.now() - windowStart))));
    const after = await usage();
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const stillWaiting = await count(h.db, dagId, run.run_id, [waiting]);

    const event = await fire(dir);
    const state = await h.waitForRun(dagId, run.run_id, 900_000);
    const { rows } = await h.db.query<{ end_date: Date }>("SELECT end_date FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND state = 'success'", [dagId, run.run_id]);
    const latencies = rows.map((r) => r.end_date.getTime() - event.getTime()).sort((a, b) => a - b);
    report(`sensors ${dagId}`, {
      sensors: N, runners: RUNNERS, backend: backend.name, waiting_state: waiting, seconds_until_all_waiting: Math.round(parkSeconds * 10) / 10,
      still_waiting_after_work: stillWaiting, work_20_tasks: workState, work_seconds: Math.round(workSeconds * 10) / 10,
      rss_mb_waiting: after.rssMb, cpu_percent_waiting: Math.round(((after.cpuSeconds - before.cpuSeconds) / windowSeconds) * 1000) / 10,
      run_state: state, succeeded: rows.length, latency_median_ms: pct(latencies, 50), latency_p99_ms: pct(latencies, 99),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const createFiles = async (dir: string) => {
  const at = new Date();
  await Promise.all(Array.from({ length: N }, (_, i) => writeFile(join(dir, `ready-${i}`), "")));
  return at;
};

const db = await backend.open();
const harness = await startHarness(db, [...bag.dags.values()], { parallelism: RUNNERS });
const triggerer = new Triggerer(db, { log: () => {} });
await triggerer.start();
// BENCH_MODES: a comma-separated subset of deferred_files, deferred_time, deferred_time_end, reschedule (default all).
const modes = new Set((process.env.BENCH_MODES ?? "deferred_files,deferred_time,deferred_time_end,reschedule").split(","));
try {
  if (modes.has("deferred_files")) await measureMode(harness, "bench_sensors_deferred", "deferred", createFiles, (dir) => ({ dir }));
  // The target time is set far enough ahead for every sensor to be waiting when it comes (BENCH_TIME_AHEAD_SEC, 90).
  const at = new Date(Date.now() + Number(process.env.BENCH_TIME_AHEAD_SEC ?? 90) * 1000);
  if (modes.has("deferred_time")) await measureMode(harness, "bench_sensors_deferred_time", "deferred", async () => {
    if (Date.now() >= at.getTime()) throw new Error("The sensors were not all waiting before their target time: raise BENCH_TIME_AHEAD_SEC.");
    return at;
  }, () => ({ at: at.toISOString() }));
  // Airflow 2.10's end_from_trigger: the triggerer ends each sensor itself, no resumed try needs a runner.
  const atEnd = new Date(Date.now() + Number(process.env.BENCH_TIME_AHEAD_SEC ?? 90) * 1000);
  if (modes.has("deferred_time_end")) await measureMode(harness, "bench_sensors_deferred_time_end", "deferred", async () => {
    if (Date.now() >= atEnd.getTime()) throw new Error("The sensors were not all waiting before their target time: raise BENCH_TIME_AHEAD_SEC.");
    return atEnd;
  }, () => ({ at: atEnd.toISOString() }));
  if (modes.has("reschedule")) await measureMode(harness, "bench_sensors_reschedule", "up_for_reschedule", createFiles, (dir) => ({ dir }));
} finally {
  await triggerer.stop();
  await harness.stop();
  await db.close();
}
