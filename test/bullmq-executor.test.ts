import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { BullmqExecutor } from "../executor/bullmq-executor.ts";
import { logPathFor } from "../scheduler/scheduler.ts";
import { REPO_ROOT } from "./helpers/cli.ts";
import { BACKENDS, describeEachBackend } from "./helpers/databases.ts";
import { PrivateRedis } from "./helpers/private-redis.ts";
import { describeRedis, REDIS_URL } from "./helpers/redis.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixtures = join(import.meta.dirname, "fixtures", "bullmq");

interface WorkerProcess {
  child: ChildProcess;
  output: string[];
}

/** `updraft worker` in a process of its own, as on another machine: it never sees the database, only Redis and the API. */
async function startWorker(prefix: string, queues: string, home: string, redisUrl = REDIS_URL): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin/updraft.js"), "worker", "--queues", queues, "--concurrency", "2"], {
    env: { ...process.env, UPDRAFT_REDIS_URL: redisUrl, UPDRAFT_REDIS_PREFIX: prefix, UPDRAFT_TASK_HEARTBEAT_MS: "300", UPDRAFT_HOME: home, UPDRAFT_DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout!.on("data", (chunk) => output.push(String(chunk)));
  child.stderr!.on("data", (chunk) => output.push(String(chunk)));
  await waitFor(`worker on ${queues} to consume`, async () => (output.join("").includes("consuming") ? true : undefined), 30_000);
  return { child, output };
}

describeRedis("BullMQ executor and updraft worker processes", () => {
  describeEachBackend("through Redis", (backend) => {
    const prefix = `updraft-test-${randomUUID().slice(0, 8)}`;
    let db: Database;
    let harness: Harness<BullmqExecutor>;
    let home: string;
    const workers: WorkerProcess[] = [];
    beforeAll(async () => {
      db = await backend.open();
      home = await mkdtemp(join(tmpdir(), "updraft-worker-home-"));
      const bag = await DagBag.load(fixtures);
      expect(bag.importErrors).toEqual([]);
      harness = await startHarness(db, [...bag.dags.values()], {
        executor: new BullmqExecutor({ redisUrl: REDIS_URL, prefix, log: () => {} }),
        zombieThresholdMs: 3000,
      });
      workers.push(await startWorker(prefix, "default", home), await startWorker(prefix, "default,special", home));
    }, 60_000);
    afterAll(async () => {
      for (const worker of workers) worker.child.kill("SIGKILL");
      await harness?.stop();
      await db?.close();
      if (home) await rm(home, { recursive: true, force: true });
    });

    it("runs a DAG on the workers, each task on a worker consuming its queue, never in the scheduler's process", async () => {
      const run = await triggerDagRun(db, "bullmq_routed");
      harness.scheduler.runsCreated();
      expect(await harness.waitForRun("bullmq_routed", run.run_id, 60_000)).toBe("success");
      const { rows } = await db.query<{ task_id: string; value: { pid: number; worker: number } }>(
        "SELECT task_id, value FROM xcom WHERE dag_id = 'bullmq_routed' AND run_id = $1 AND key = 'return_value'", [run.run_id]);
      const ranOn = Object.fromEntries(rows.map((r) => [r.task_id, r.value.worker]));
      const pids = workers.map((w) => w.child.pid);
      expect(Object.keys(ranOn).sort()).toEqual(["first", "last", "special"]);
      for (const pid of Object.values(ranOn)) expect(pids).toContain(pid);
      // Only the second worker consumes "special".
      expect(ranOn.special).toBe(workers[1].child.pid);
      // Logs stay on the worker's machine, under its home, in Airflow's layout.
      const log = await db.query<{ path: string }>("SELECT path FROM task_log WHERE dag_id = 'bullmq_routed' AND run_id = $1 AND task_id = 'special'", [run.run_id]);
      expect(log.rows[0].path.startsWith(join(home, "logs", "dag_id=bullmq_routed"))).toBe(true);
    }, 90_000);

    it("kill -9 of a worker mid-task: the try fails, its retry runs on the other worker, the run succeeds", async () => {
      const run = await triggerDagRun(db, "bullmq_slow");
      harness.scheduler.runsCreated();
      const running = await waitFor("the slow task running", async () => {
        const { rows } = await db.query<{ pid: number; state: string }>(
          "SELECT pid, state FROM task_instance WHERE dag_id = 'bullmq_slow' AND run_id = $1", [run.run_id]);
        return rows[0]?.state === "running" ? rows[0] : undefined;
      }, 30_000);
      // The runner's parent is the worker that took the job.
      const victim = workers.find((w) => isParentOf(w.child.pid!, running.pid));
      expect(victim).toBeDefined();
      victim!.child.kill("SIGKILL");

      expect(await harness.waitForRun("bullmq_slow", run.run_id, 60_000)).toBe("success");
      const { rows: tries } = await db.query<{ try_number: number; state: string }>(
        "SELECT try_number, state FROM task_instance_history WHERE dag_id = 'bullmq_slow' AND run_id = $1 ORDER BY try_number", [run.run_id]);
      expect(tries).toEqual([{ try_number: 1, state: "up_for_retry" }, { try_number: 2, state: "success" }]);
      const { rows: xcom } = await db.query<{ value: number }>(
        "SELECT value FROM xcom WHERE dag_id = 'bullmq_slow' AND run_id = $1 AND key = 'return_value'", [run.run_id]);
      expect(xcom[0].value).not.toBe(victim!.child.pid);
    }, 90_000);
  });
});

describeRedis("BullMQ executor faults", () => {
  const prefix = `updraft-faults-${randomUUID().slice(0, 8)}`;
  let db: Database;
  let harness: Harness<BullmqExecutor>;
  let home: string;
  let redis: PrivateRedis;
  const workers: WorkerProcess[] = [];
  const executorLog: string[] = [];
  beforeAll(async () => {
    redis = await PrivateRedis.create();
    db = await BACKENDS[0].open();
    home = await mkdtemp(join(tmpdir(), "updraft-worker-home-"));
    const dags = [...(await DagBag.load(fixtures)).dags.values(), (await DagBag.load(join(import.meta.dirname, "fixtures", "scheduler-timeouts"))).getDag("scheduler_blocks_always")];
    harness = await startHarness(db, dags, {
      executor: new BullmqExecutor({ redisUrl: redis.url, prefix, reconcileIntervalMs: 1000, log: (m) => executorLog.push(m) }),
      // The backstop (1 s past a 1 s execution_timeout) acts before zombie detection does.
      zombieThresholdMs: 8000,
      executionTimeoutGraceMs: 1000,
    });
    workers.push(await startWorker(prefix, "default", home, redis.url), await startWorker(prefix, "default", home, redis.url));
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) worker.child.kill("SIGKILL");
    await harness?.stop();
    await db?.close();
    await redis?.kill();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("Redis crashes and comes back empty: lost jobs are enqueued again, every run succeeds, no try succeeds twice", async () => {
    const runs = [];
    for (let i = 0; i < 10; i++) runs.push(await triggerDagRun(db, "bullmq_chain", { logicalDate: new Date(Date.UTC(2024, 0, 1 + i)) }));
    harness.scheduler.runsCreated();
    await waitFor("some steps done", async () => {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM task_instance WHERE dag_id = 'bullmq_chain' AND state = 'success'");
      return rows[0].n >= 8 ? true : undefined;
    }, 30_000);
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.start();

    expect(await harness.waitForRuns("bullmq_chain", runs.map((r) => r.run_id), 90_000)).toEqual(runs.map(() => "success"));
    // The crash did lose jobs, and reconciliation put them back.
    expect(executorLog.some((m) => /is gone from Redis: enqueueing it again/.test(m))).toBe(true);
    const { rows: twice } = await db.query(
      "SELECT run_id, task_id FROM task_instance_history WHERE dag_id = 'bullmq_chain' AND state = 'success' GROUP BY run_id, task_id, map_index HAVING count(*) > 1");
    expect(twice).toEqual([]);
    const { rows: stuck } = await db.query("SELECT task_id FROM task_instance WHERE state IN ('queued', 'running', 'scheduled')");
    expect(stuck).toEqual([]);
  }, 120_000);

  it("a try its runner cannot stop at execution_timeout is stopped on its worker, through Redis", async () => {
    const run = await triggerDagRun(db, "scheduler_blocks_always");
    harness.scheduler.runsCreated();
    const pid = await waitFor("the blocking task running", async () => {
      const { rows } = await db.query<{ pid: number | null; state: string }>("SELECT pid, state FROM task_instance WHERE dag_id = 'scheduler_blocks_always' AND run_id = $1", [run.run_id]);
      return rows[0]?.state === "running" && rows[0].pid ? rows[0].pid : undefined;
    }, 30_000);
    expect(workers.some((w) => isParentOf(w.child.pid!, pid))).toBe(true);
    expect(await harness.waitForRun("scheduler_blocks_always", run.run_id, 30_000)).toBe("failed");
    // Its worker killed the runner when the scheduler asked: nothing else would (the runner's event loop is blocked).
    await waitFor(`runner ${pid} to be killed`, () => (isAlive(pid) ? undefined : true), 10_000);
  }, 60_000);

  it("a running try marked failed (as the UI and API do) is stopped on its worker and stays failed", async () => {
    const run = await triggerDagRun(db, "bullmq_slow");
    harness.scheduler.runsCreated();
    const pid = await waitFor("the slow task running", async () => {
      const { rows } = await db.query<{ pid: number | null; state: string }>("SELECT pid, state FROM task_instance WHERE dag_id = 'bullmq_slow' AND run_id = $1", [run.run_id]);
      return rows[0]?.state === "running" && rows[0].pid ? rows[0].pid : undefined;
    }, 30_000);
    await db.query("UPDATE task_instance SET state = 'failed', end_date = now() WHERE dag_id = 'bullmq_slow' AND run_id = $1", [run.run_id]);
    harness.scheduler.wake(`bullmq_slow\u0000${run.run_id}`);
    expect(await harness.waitForRun("bullmq_slow", run.run_id, 30_000)).toBe("failed");
    // The runner noticed at its next heartbeat and stopped the task; it never reported an outcome over the mark.
    const log = await waitFor("the runner's log to say it stopped", async () => {
      const { rows } = await db.query<{ path: string }>("SELECT path FROM task_log WHERE dag_id = 'bullmq_slow' AND run_id = $1", [run.run_id]);
      if (rows.length) return undefined; // a finish was recorded: the runner was not stopped
      const text = workerLogOf(home, run.run_id);
      return text?.includes("Stopped: its task instance is now failed") ? text : undefined;
    }, 15_000);
    expect(log).toContain("Stopped");
    const { rows } = await db.query<{ state: string }>("SELECT state FROM task_instance WHERE dag_id = 'bullmq_slow' AND run_id = $1", [run.run_id]);
    expect(rows[0].state).toBe("failed");
    expect(pid).toBeGreaterThan(0);
  }, 60_000);

  it("SIGTERM lets a worker finish its running try before it exits", async () => {
    const run = await triggerDagRun(db, "bullmq_slow");
    harness.scheduler.runsCreated();
    const running = await waitFor("the slow task running", async () => {
      const { rows } = await db.query<{ pid: number; state: string }>("SELECT pid, state FROM task_instance WHERE dag_id = 'bullmq_slow' AND run_id = $1", [run.run_id]);
      return rows[0]?.state === "running" ? rows[0] : undefined;
    }, 30_000);
    const worker = workers.find((w) => isParentOf(w.child.pid!, running.pid))!;
    expect(worker).toBeDefined();
    const exited = new Promise<number | null>((resolve) => worker.child.once("exit", (code) => resolve(code)));
    worker.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(await harness.waitForRun("bullmq_slow", run.run_id, 30_000)).toBe("success");
    const { rows } = await db.query<{ try_number: number; state: string }>(
      "SELECT try_number, state FROM task_instance_history WHERE dag_id = 'bullmq_slow' AND run_id = $1", [run.run_id]);
    expect(rows).toEqual([{ try_number: 1, state: "success" }]);
  }, 60_000);
});

/** The log of try 1 of bullmq_slow's `slow` in that run, as the worker wrote it under its home. */
function workerLogOf(home: string, runId: string): string | undefined {
  try {
    return readFileSync(logPathFor(home, { dagId: "bullmq_slow", runId, taskId: "slow", mapIndex: -1 }, 1), "utf8");
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isParentOf(parent: number, pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.split(") ")[1].split(" ")[1]) === parent;
  } catch {
    return false;
  }
}
