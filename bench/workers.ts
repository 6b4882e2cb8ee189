/**
 * Issue "Beyond one machine" benchmark: the 1,000-task fan-out of bench/scheduler.ts and the finish → start latency of
 * its 200-task chain, run by the local executor and by BullMQ with 1, 2 and 4 `updraft worker` processes, in one run.
 * Every configuration has 8 runner processes in all (the workers split them), so the figures compare the executors'
 * overhead on one machine, not the capacity more machines would add. Needs Redis (UPDRAFT_REDIS_URL, default local).
 * Back end: embedded PGlite, or PostgreSQL with BENCH_BACKEND=postgres.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { BullmqExecutor } from "../executor/bullmq-executor.ts";
import type { Executor } from "../executor/executor.ts";
import { BACKENDS } from "../test/helpers/databases.ts";
import { startHarness } from "../test/helpers/scheduler-harness.ts";
import { chainHops, report } from "./measure.ts";

const backendName = process.env.BENCH_BACKEND === "postgres" ? "postgres" : "pglite";
const backend = BACKENDS.find((b) => b.name === backendName)!;
const redisUrl = process.env.UPDRAFT_REDIS_URL || "redis://127.0.0.1:6379";
const RUNNERS = 8;
const bag = await DagBag.load(new URL("./dags", import.meta.url).pathname);
const bin = new URL("../bin/updraft.js", import.meta.url).pathname;

function startWorker(prefix: string, concurrency: number, home: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, "worker", "--concurrency", String(concurrency)], {
    env: { ...process.env, UPDRAFT_REDIS_URL: redisUrl, UPDRAFT_REDIS_PREFIX: prefix, UPDRAFT_HOME: home }, stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => line.includes("consuming") && resolve(child));
    child.once("exit", (code) => reject(new Error(`updraft worker exited (${code}) before it was up`)));
  });
}

async function measureWith(label: string, workers: number): Promise<void> {
  const db = await backend.open();
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const home = await mkdtemp(join(tmpdir(), "updraft-bench-workers-"));
  const children: ChildProcess[] = [];
  const executor: Executor | undefined = workers ? new BullmqExecutor({ redisUrl, prefix, parallelism: 2 * RUNNERS, log: () => {} }) : undefined;
  const harness = await startHarness(db, [...bag.dags.values()], { parallelism: RUNNERS, executor });
  try {
    for (let i = 0; i < workers; i++) children.push(await startWorker(prefix, RUNNERS / workers, home));
    // Warm every runner first (each imports the DAG file once), so the figures are the executors' steady state.
    const warm = await triggerDagRun(db, "bench_chain_10", { logicalDate: new Date(Date.UTC(2023, 0, 1)) });
    harness.scheduler.runsCreated();
    await harness.waitForRun("bench_chain_10", warm.run_id, 120_000);

    const started = performance.now();
    const fan = await triggerDagRun(db, "bench_fanout_1000");
    harness.scheduler.runsCreated();
    const fanState = await harness.waitForRun("bench_fanout_1000", fan.run_id, 600_000);
    const seconds = (performance.now() - started) / 1000;

    const chain = await triggerDagRun(db, "bench_chain_200");
    harness.scheduler.runsCreated();
    const chainState = await harness.waitForRun("bench_chain_200", chain.run_id, 600_000);
    const hops = await chainHops(db, chain.run_id);
    report("executor_fanout_1000_and_hops", {
      backend: backendName, executor: label, workers, runners: RUNNERS, state: fanState === "success" && chainState === "success" ? "success" : "failed",
      seconds: +seconds.toFixed(2), tasks_per_s: Math.round(1002 / seconds), hop_p50_ms: hops[Math.floor(hops.length / 2)],
    });
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await harness.stop();
    await db.close();
    await rm(home, { recursive: true, force: true });
  }
}

await measureWith("local", 0);
for (const workers of [1, 2, 4]) await measureWith("bullmq", workers);
