import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { SCHEDULER_CHANNEL } from "../scheduler/scheduler.ts";
import { REPO_ROOT } from "./helpers/cli.ts";
import { BACKENDS, describePostgres } from "./helpers/databases.ts";
import { schemaUrl, startSchedulerProcess, type SchedulerProcess } from "./helpers/scheduler-process.ts";
import { waitFor } from "./helpers/wait-for.ts";

const DAGS = join(REPO_ROOT, "test", "fixtures", "scheduler-ha");
const TIS_PER_RUN = 10; // start, work[0..2], b1, b2, side[0..1], join, end
const postgres = BACKENDS.find((b) => b.name === "postgres")!;

/** One line the fixture's tasks write per try that ran to its end. */
interface TryLine {
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  pid: number;
  ppid: number;
}

const tiKey = (runId: string, taskId: string, mapIndex: number) => `${runId} ${taskId} ${mapIndex}`;

/** The lines of each (run, task, map index). */
function linesByTi(lines: TryLine[]): Map<string, TryLine[]> {
  const byTi = new Map<string, TryLine[]>();
  for (const line of lines) {
    const key = tiKey(line.runId, line.taskId, line.mapIndex);
    byTi.set(key, [...(byTi.get(key) ?? []), line]);
  }
  return byTi;
}

async function readLines(dir: string): Promise<TryLine[]> {
  const text = await readFile(join(dir, "lines.txt"), "utf8").catch(() => "");
  return text.split("\n").filter((l) => l.endsWith(" done")).map((l) => {
    const [runId, taskId, mapIndex, tryNumber, pid, ppid] = l.split(" ");
    return { runId, taskId, mapIndex: Number(mapIndex), tryNumber: Number(tryNumber), pid: Number(pid), ppid: Number(ppid) };
  });
}

describePostgres("two `updraft scheduler` processes on one PostgreSQL", () => {
  let db: Database | undefined;
  let dir: string | undefined;
  let schedulers: SchedulerProcess[] = [];
  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    schedulers = [];
    await db?.close(); // drops the test's schema
    db = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A fresh schema, two schedulers on it sharing the DAGs folder, the fixture DAG parsed and unpaused. */
  async function startTwo(env: Record<string, string> = {}): Promise<[SchedulerProcess, SchedulerProcess]> {
    db = await postgres.open();
    dir = await mkdtemp(join(tmpdir(), "updraft-ha-"));
    const shared = { UPDRAFT_DATABASE_URL: schemaUrl(postgres.lastSchema!), UPDRAFT_DAGS_FOLDER: DAGS, UPDRAFT_HA_TEST_DIR: dir, ...env };
    schedulers = await Promise.all([startSchedulerProcess("a", shared), startSchedulerProcess("b", shared)]);
    await waitFor("ha_fan to be parsed", async () => {
      const { rows } = await db!.query("SELECT 1 FROM dag WHERE dag_id = 'ha_fan' AND dag_hash IS NOT NULL");
      return rows.length ? true : undefined;
    });
    await db.query("UPDATE dag SET is_paused = false WHERE dag_id = 'ha_fan'");
    return schedulers as [SchedulerProcess, SchedulerProcess];
  }

  /** Triggers `count` runs through the database, as `updraft dags trigger` does, then wakes the schedulers. */
  async function triggerRuns(count: number): Promise<string[]> {
    const runIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const run = await triggerDagRun(db!, "ha_fan", { runId: `ha_${String(i).padStart(2, "0")}`, logicalDate: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) });
      runIds.push(run.run_id);
    }
    await db!.notify(SCHEDULER_CHANNEL, "");
    return runIds;
  }

  async function waitForRuns(runIds: string[], timeoutMs: number): Promise<Map<string, string>> {
    try {
      return await waitFor("every run to finish", async () => {
        const { rows } = await db!.query<{ run_id: string; state: string }>("SELECT run_id, state FROM dag_run WHERE dag_id = 'ha_fan'");
        const states = new Map(rows.map((r) => [r.run_id, r.state]));
        return runIds.every((id) => states.get(id) === "success" || states.get(id) === "failed") ? states : undefined;
      }, timeoutMs);
    } catch (error) {
      const { rows } = await db!.query<{ run_id: string; task_id: string; map_index: number; state: string | null; try_number: number; queued_by_job_id: number | null }>(
        "SELECT run_id, task_id, map_index, state, try_number, queued_by_job_id FROM task_instance WHERE state IS DISTINCT FROM 'success' ORDER BY run_id, task_id, map_index",
      );
      const tail = schedulers.map((s) => `--- scheduler ${s.name} (pid ${s.pid}):\n${s.output.slice(-40).join("\n")}`).join("\n");
      throw new Error(`${(error as Error).message}\nunfinished TIs: ${JSON.stringify(rows)}\n${tail}`);
    }
  }

  /** job id → scheduler, from the job rows the two processes wrote (pid = the scheduler process). */
  async function jobsOf(all: SchedulerProcess[]): Promise<Map<number, SchedulerProcess>> {
    const { rows } = await db!.query<{ id: number; pid: number }>("SELECT id, pid FROM job WHERE job_type = 'SchedulerJob'");
    const byJob = new Map<number, SchedulerProcess>();
    for (const row of rows) {
      const owner = all.find((s) => s.pid === row.pid);
      if (owner) byJob.set(Number(row.id), owner);
    }
    return byJob;
  }

  it("share 30 runs: every task instance is queued and run exactly once, by one scheduler or the other", { timeout: 60_000 }, async () => {
    // The safety-net pass is pushed past the test's end: every reaction below is event-driven, so a scheduler learns of
    // the other's tries (each finished through the API of the scheduler whose runner ran it) only through NOTIFY.
    const [a, b] = await startTwo({ UPDRAFT_SCHEDULER_IDLE_SLEEP_SEC: "120" });
    const runIds = await triggerRuns(30);
    const states = await waitForRuns(runIds, 45_000);
    expect(runIds.filter((id) => states.get(id) !== "success")).toEqual([]);

    // Every TI ran exactly once, in its first try: one line per (run, task, map index).
    const lines = await readLines(dir!);
    const byTi = linesByTi(lines);
    expect(byTi.size).toBe(runIds.length * TIS_PER_RUN);
    expect([...byTi.entries()].filter(([, l]) => l.length !== 1).map(([k]) => k)).toEqual([]);
    expect(lines.filter((l) => l.tryNumber !== 1)).toEqual([]);

    const { rows: tis } = await db!.query<{ run_id: string; task_id: string; map_index: number; state: string; try_number: number; queued_by_job_id: number; path: string | null }>(
      `SELECT ti.run_id, ti.task_id, ti.map_index, ti.state, ti.try_number, ti.queued_by_job_id, l.path
         FROM task_instance ti LEFT JOIN task_log l USING (dag_id, run_id, task_id, map_index, try_number)`,
    );
    expect(tis).toHaveLength(runIds.length * TIS_PER_RUN);
    expect(tis.filter((t) => t.state !== "success" || t.try_number !== 1)).toEqual([]);
    // No TI ever recorded a second try.
    const { rows: history } = await db!.query<{ try_number: number; n: number }>("SELECT try_number, count(*)::int AS n FROM task_instance_history GROUP BY try_number");
    expect(history).toEqual([{ try_number: 1, n: runIds.length * TIS_PER_RUN }]);

    // Both schedulers queued and ran some; each try ran in a runner of the scheduler that queued it, and its end was
    // recorded through that scheduler's execution API (the only one that accepts its token: the secrets differ).
    const jobs = await jobsOf([a, b]);
    expect(new Set(jobs.values()).size).toBe(2);
    expect(await readFile(join(a.home, "secret_key"), "utf8")).not.toBe(await readFile(join(b.home, "secret_key"), "utf8"));
    const queuedBy = new Map<SchedulerProcess, number>();
    for (const ti of tis) {
      const owner = jobs.get(Number(ti.queued_by_job_id));
      expect(owner, `${ti.run_id} ${ti.task_id} ${ti.map_index} queued by job ${ti.queued_by_job_id}`).toBeDefined();
      queuedBy.set(owner!, (queuedBy.get(owner!) ?? 0) + 1);
      expect(byTi.get(tiKey(ti.run_id, ti.task_id, ti.map_index))![0].ppid).toBe(owner!.pid);
      expect(ti.path?.startsWith(join(owner!.home, "logs"))).toBe(true);
    }
    expect(queuedBy.get(a)).toBeGreaterThan(0);
    expect(queuedBy.get(b)).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.ppid))).toEqual(new Set([a.pid, b.pid]));

    // Each run was finished once, by one scheduler; some by the scheduler whose runners did not run the run's last
    // task: it heard of that try only through NOTIFY.
    const finishedBy = new Map<string, SchedulerProcess[]>();
    for (const s of [a, b]) {
      for (const line of s.output) {
        const match = /DagRun (\S+) of ha_fan finished: success/.exec(line);
        if (match) finishedBy.set(match[1], [...(finishedBy.get(match[1]) ?? []), s]);
      }
    }
    expect(runIds.filter((id) => finishedBy.get(id)?.length !== 1)).toEqual([]);
    const endQueuedBy = new Map(tis.filter((t) => t.task_id === "end").map((t) => [t.run_id, jobs.get(Number(t.queued_by_job_id))]));
    const heardThroughNotify = runIds.filter((id) => finishedBy.get(id)![0] !== endQueuedBy.get(id));
    expect(heardThroughNotify.length).toBeGreaterThan(0);
  });

  it("kill -9 of one scheduler mid-way: the other adopts what it had queued, retries what it was running, finishes every run", { timeout: 75_000 }, async () => {
    await startTwo({
      UPDRAFT_ZOMBIE_THRESHOLD_SEC: "4",
      UPDRAFT_TASK_HEARTBEAT_MS: "500",
      // Schedulers heartbeat every 5 s: 10 s of silence means dead.
      UPDRAFT_SCHEDULER_HEALTH_CHECK_THRESHOLD_SEC: "10",
      UPDRAFT_ORPHANED_TASKS_CHECK_INTERVAL_SEC: "1",
    });
    const runIds = await triggerRuns(16);
    const all = schedulers;
    const jobs = await jobsOf(all);
    expect(jobs.size).toBe(2);
    const jobOf = (s: SchedulerProcess) => [...jobs].find(([, owner]) => owner === s)![0];

    await waitFor("a third of the task instances to succeed", async () => {
      const { rows } = await db!.query<{ n: number }>("SELECT count(*)::int AS n FROM task_instance WHERE state = 'success'");
      return rows[0].n >= (runIds.length * TIS_PER_RUN) / 3 ? true : undefined;
    }, 40_000);
    // Hold every try before it writes its line, so that no try of the victim is between its line and its report.
    await writeFile(join(dir!, "hold"), "");
    await new Promise((r) => setTimeout(r, 300));
    const { victim, queued, running } = await waitFor("a scheduler with tries running and queued, none past its line", async () => {
      const done = new Set((await readLines(dir!)).map((l) => tiKey(l.runId, l.taskId, l.mapIndex)));
      const { rows } = await db!.query<{ run_id: string; task_id: string; map_index: number; state: string; try_number: number; queued_by_job_id: number }>(
        "SELECT run_id, task_id, map_index, state, try_number, queued_by_job_id FROM task_instance WHERE state IN ('queued', 'running')",
      );
      for (const s of all) {
        const mine = rows.filter((r) => Number(r.queued_by_job_id) === jobOf(s));
        const run = mine.filter((r) => r.state === "running");
        const queue = mine.filter((r) => r.state === "queued");
        if (run.length && queue.length && !run.some((r) => done.has(tiKey(r.run_id, r.task_id, r.map_index)))) return { victim: s, queued: queue, running: run };
      }
      return undefined;
    }, 20_000);
    const survivor = all.find((s) => s !== victim)!;
    await victim.killGroup();
    await rm(join(dir!, "hold"));

    const states = await waitForRuns(runIds, 50_000);
    expect(runIds.filter((id) => states.get(id) !== "success")).toEqual([]);

    // Every TI completed exactly once: one line per (run, task, map index); the killed tries never wrote theirs.
    const byTi = linesByTi(await readLines(dir!));
    expect(byTi.size).toBe(runIds.length * TIS_PER_RUN);
    expect([...byTi.entries()].filter(([, l]) => l.length !== 1).map(([k]) => k)).toEqual([]);
    const lineOf = (ti: { run_id: string; task_id: string; map_index: number }) => byTi.get(tiKey(ti.run_id, ti.task_id, ti.map_index))![0];
    const { rows: notSuccess } = await db!.query("SELECT run_id, task_id, map_index, state FROM task_instance WHERE state <> 'success'");
    expect(notSuccess).toEqual([]);

    // The victim is recorded dead; what it had queued was adopted: run by the survivor, in a new try.
    const { rows: victimJob } = await db!.query<{ state: string }>("SELECT state FROM job WHERE id = $1", [jobOf(victim)]);
    expect(victimJob[0].state).toBe("failed");
    expect(survivor.output.some((l) => /Adopted \d+ task instance\(s\) queued by a scheduler that is gone/.test(l))).toBe(true);
    for (const ti of queued) {
      const line = lineOf(ti);
      expect(line.ppid, `${ti.run_id} ${ti.task_id} ${ti.map_index}`).toBe(survivor.pid);
      expect(line.tryNumber).toBe(ti.try_number + 1);
    }
    // What it was running died with its runners: detected as zombies, retried by the survivor.
    for (const ti of running) {
      const line = lineOf(ti);
      expect(line.ppid).toBe(survivor.pid);
      expect(line.tryNumber).toBe(ti.try_number + 1);
      const { rows } = await db!.query<{ state: string; error: string }>(
        "SELECT state, error FROM task_instance_history WHERE run_id = $1 AND task_id = $2 AND map_index = $3 AND try_number = $4",
        [ti.run_id, ti.task_id, ti.map_index, ti.try_number],
      );
      expect(rows[0]?.state).toBe("up_for_retry");
      expect(rows[0]?.error).toMatch(/zombie/);
    }
    // Nothing else needed a second try.
    const retried = [...byTi.values()].map((l) => l[0]).filter((l) => l.tryNumber !== 1).map((l) => tiKey(l.runId, l.taskId, l.mapIndex));
    expect(retried.sort()).toEqual([...queued, ...running].map((ti) => tiKey(ti.run_id, ti.task_id, ti.map_index)).sort());
  });
});
