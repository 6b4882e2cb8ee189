/**
 * Issue "Beyond one machine", its proof: 2 `updraft scheduler` processes + 3 `updraft worker` processes + 1 `updraft
 * webserver`, on one PostgreSQL and Redis, run 200 runs of a 10-task chain whose every try appends one row to a table.
 * Mid-way a worker and a scheduler are killed with SIGKILL and Redis crashes and comes back empty. Afterwards every run
 * succeeded, every successful try wrote exactly one row, and nothing is left queued or running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { SCHEDULER_CHANNEL } from "../scheduler/scheduler.ts";
import { REPO_ROOT } from "./helpers/cli.ts";
import { BACKENDS, describePostgres } from "./helpers/databases.ts";
import { PrivateRedis } from "./helpers/private-redis.ts";
import { describeRedis } from "./helpers/redis.ts";
import { schemaUrl, startSchedulerProcess, type SchedulerProcess } from "./helpers/scheduler-process.ts";
import { waitFor } from "./helpers/wait-for.ts";

const DAGS = join(REPO_ROOT, "test", "fixtures", "bullmq-proof");
const RUNS = 200;
const TASKS = 10;
const postgres = BACKENDS.find((b) => b.name === "postgres")!;

interface Child {
  name: string;
  child: ChildProcess;
  output: string[];
}

/** `updraft <args>` as its own OS process; resolves once a line matches `ready`. */
async function startProcess(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Child & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "updraft.js"), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, FORCE_COLOR: "0", ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output.push(line);
      const found = line.match(ready);
      if (found) resolve(found);
    });
    child.once("exit", () => reject(new Error(`${name} exited before it was up:\n${output.join("\n")}`)));
  });
  return { name, child, output, match };
}

describePostgres("BullMQ proof", () => {
  describeRedis("2 schedulers, 3 workers and a webserver on one PostgreSQL and Redis", () => {
    let db: Database | undefined;
    let redis: PrivateRedis | undefined;
    let home: string | undefined;
    const schedulers: SchedulerProcess[] = [];
    const children: Child[] = [];
    afterAll(async () => {
      for (const c of children) c.child.kill("SIGKILL");
      await Promise.all(schedulers.map((s) => s.stop(5000)));
      await redis?.kill();
      await db?.close();
      if (home) await rm(home, { recursive: true, force: true });
    });

    it("runs 200 runs through a worker's and a scheduler's kill -9 and a Redis crash; every successful try wrote one row", { timeout: 300_000 }, async () => {
      db = await postgres.open();
      redis = await PrivateRedis.create();
      home = await mkdtemp(join(tmpdir(), "updraft-proof-"));
      const url = schemaUrl(postgres.lastSchema!);
      await db.query("CREATE TABLE proof_rows (run_id text NOT NULL, task_id text NOT NULL, try_number int NOT NULL)");
      const shared = {
        UPDRAFT_DATABASE_URL: url, UPDRAFT_SECRET_KEY: randomBytes(16).toString("hex"), UPDRAFT_REDIS_URL: redis.url,
        UPDRAFT_REDIS_PREFIX: `proof-${randomUUID().slice(0, 8)}`, UPDRAFT_DAGS_FOLDER: DAGS,
      };
      const web = await startProcess("webserver", ["webserver", "--port", "0"], { ...shared, UPDRAFT_HOME: home }, /running at (http:\/\/\S+)/);
      children.push(web);
      const schedulerEnv = {
        ...shared, UPDRAFT_EXECUTOR: "bullmq", UPDRAFT_ZOMBIE_THRESHOLD_SEC: "5", UPDRAFT_SCHEDULER_HEALTH_CHECK_THRESHOLD_SEC: "5",
        UPDRAFT_ORPHANED_TASKS_CHECK_INTERVAL_SEC: "3",
      };
      schedulers.push(await startSchedulerProcess("a", schedulerEnv, 24), await startSchedulerProcess("b", schedulerEnv, 24));
      for (const name of ["w1", "w2", "w3"]) {
        children.push(await startProcess(name, ["worker", "--concurrency", "3"], {
          ...shared, UPDRAFT_HOME: join(home, name), UPDRAFT_API_URL: web.match[1], UPDRAFT_PROOF_DB_URL: url, UPDRAFT_TASK_HEARTBEAT_MS: "500",
        }, /consuming/));
      }
      await waitFor("proof_chain to be parsed", async () => {
        const { rows } = await db!.query("SELECT 1 FROM dag WHERE dag_id = 'proof_chain' AND dag_hash IS NOT NULL");
        return rows.length ? true : undefined;
      }, 30_000);
      await db.query("UPDATE dag SET is_paused = false WHERE dag_id = 'proof_chain'");
      const runIds: string[] = [];
      for (let i = 0; i < RUNS; i++) runIds.push((await triggerDagRun(db, "proof_chain", { runId: `proof_${i}`, logicalDate: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) })).run_id);
      await db.notify(SCHEDULER_CHANNEL, "");

      const succeeded = async () => (await db!.query<{ n: number }>("SELECT count(*)::int AS n FROM task_instance WHERE dag_id = 'proof_chain' AND state = 'success'")).rows[0].n;
      await waitFor("a quarter of the tries done", async () => ((await succeeded()) >= (RUNS * TASKS) / 4 ? true : undefined), 120_000);
      const midway = await succeeded();
      const victimWorker = children.find((c) => c.name === "w2")!;
      victimWorker.child.kill("SIGKILL");
      await schedulers[0].killGroup();
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await redis.start();

      const states = await waitFor("every run to finish", async () => {
        const { rows } = await db!.query<{ run_id: string; state: string }>("SELECT run_id, state FROM dag_run WHERE dag_id = 'proof_chain'");
        const byRun = new Map(rows.map((r) => [r.run_id, r.state]));
        return runIds.every((id) => byRun.get(id) === "success" || byRun.get(id) === "failed") ? byRun : undefined;
      }, 240_000).catch(async (error: Error) => {
        const { rows } = await db!.query("SELECT run_id, task_id, state, try_number FROM task_instance WHERE state IS DISTINCT FROM 'success' LIMIT 20");
        const tails = [...schedulers.map((s) => `--- ${s.name}\n${s.output.slice(-15).join("\n")}`), ...children.map((c) => `--- ${c.name}\n${c.output.slice(-10).join("\n")}`)];
        throw new Error(`${error.message}\nunfinished: ${JSON.stringify(rows)}\n${tails.join("\n")}`);
      });
      expect(runIds.filter((id) => states.get(id) !== "success")).toEqual([]);

      const { rows: tis } = await db.query<{ run_id: string; task_id: string; try_number: number; state: string }>(
        "SELECT run_id, task_id, try_number, state FROM task_instance WHERE dag_id = 'proof_chain'");
      const { rows: written } = await db.query<{ run_id: string; task_id: string; try_number: number; n: number }>(
        "SELECT run_id, task_id, try_number, count(*)::int AS n FROM proof_rows GROUP BY run_id, task_id, try_number");
      const rowsPerTry = new Map(written.map((w) => [`${w.run_id} ${w.task_id} ${w.try_number}`, w.n]));
      const wrongCounts = tis.filter((ti) => rowsPerTry.get(`${ti.run_id} ${ti.task_id} ${ti.try_number}`) !== 1);
      const { rows: stuck } = await db.query("SELECT run_id, task_id, state FROM task_instance WHERE state IN ('queued', 'running', 'scheduled', 'restarting')");
      const retried = tis.filter((ti) => ti.try_number > 1).length;
      console.log(`[bullmq proof] runs ${runIds.length} succeeded ${runIds.length - runIds.filter((id) => states.get(id) !== "success").length}; ` +
        `task instances ${tis.length} (${tis.filter((ti) => ti.state === "success").length} success, ${retried} needed more than one try); ` +
        `successful tries with exactly one row ${tis.length - wrongCounts.length}; rows written ${written.reduce((n, w) => n + w.n, 0)}; ` +
        `stuck ${stuck.length}; success count when the faults struck ${midway}`);
      expect(tis).toHaveLength(RUNS * TASKS);
      expect(tis.filter((ti) => ti.state !== "success")).toEqual([]);
      expect(wrongCounts).toEqual([]);
      expect(stuck).toEqual([]);
    });
  });
});
