/**
 * Issue "Persistent runs" benchmarks, through the real scheduler, local executor (warm runner processes) and execution
 * API: (1) one run of a 1,000-task fan-out/fan-in, trigger to success; (2) finish-to-start latency between tasks of a
 * 200-task chain, p50/p99; (3) 100 concurrent runs of a 10-task chain, total time and tasks/s.
 * Back end: embedded PGlite, or PostgreSQL with BENCH_BACKEND=postgres. Parallelism: UPDRAFT_PARALLELISM (default 8).
 */
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { BACKENDS } from "../test/helpers/databases.ts";
import { startHarness } from "../test/helpers/scheduler-harness.ts";
import { chainHops, report } from "./measure.ts";

const backendName = process.env.BENCH_BACKEND === "postgres" ? "postgres" : "pglite";
const backend = BACKENDS.find((b) => b.name === backendName)!;
const parallelism = Number(process.env.UPDRAFT_PARALLELISM ?? 8);
const db = await backend.open();
const bag = await DagBag.load(new URL("./dags", import.meta.url).pathname);
const harness = await startHarness(db, [...bag.dags.values()], { parallelism });
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

try {
  {
    const started = performance.now();
    const run = await triggerDagRun(db, "bench_fanout_1000");
    harness.scheduler.runsCreated();
    const state = await harness.waitForRun("bench_fanout_1000", run.run_id, 600_000);
    const seconds = (performance.now() - started) / 1000;
    report("scheduler_fanout_1000", { backend: backendName, parallelism, state, tasks: 1002, seconds: +seconds.toFixed(2), tasks_per_s: Math.round(1002 / seconds) });
  }
  {
    const run = await triggerDagRun(db, "bench_chain_200");
    harness.scheduler.runsCreated();
    const state = await harness.waitForRun("bench_chain_200", run.run_id, 600_000);
    const hops = await chainHops(db, run.run_id);
    report("scheduler_hop_latency_chain_200", { backend: backendName, state, hops: hops.length, p50_ms: quantile(hops, 0.5), p99_ms: quantile(hops, 0.99), max_ms: hops.at(-1) });
  }
  {
    const started = performance.now();
    const runs = [];
    for (let i = 0; i < 100; i++) runs.push(await triggerDagRun(db, "bench_chain_10", { logicalDate: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) }));
    harness.scheduler.runsCreated();
    const states = await harness.waitForRuns("bench_chain_10", runs.map((run) => run.run_id), 600_000);
    const seconds = (performance.now() - started) / 1000;
    report("scheduler_100_runs_chain_10", {
      backend: backendName, parallelism, succeeded: states.filter((s) => s === "success").length, tasks: 1000,
      seconds: +seconds.toFixed(2), tasks_per_s: Math.round(1000 / seconds),
    });
  }
} finally {
  await harness.stop();
  await db.close();
}
