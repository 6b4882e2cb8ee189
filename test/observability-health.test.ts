import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database, Queryable } from "../core/store/database.ts";
import { checkHealth, isUnhealthy } from "../observability/health.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { createApp, listen, type RunningServer } from "../webserver/app.ts";
import { ExecutionApi } from "../webserver/execution-api/execution-api.ts";
import { main } from "../cli/main.ts";
import { BACKENDS, describeEachBackend } from "./helpers/databases.ts";
import { freePort } from "./helpers/free-port.ts";
import { describeRedis, REDIS_URL } from "./helpers/redis.ts";

/** Airflow's health report from the job table: what GET /health, GET /api/v1/health and `updraft health` say. */
async function serve(db: Database): Promise<RunningServer> {
  const app = createApp({
    executionApi: new ExecutionApi(db, Buffer.from("x"), { onTryFinished() {} }),
    db,
    routers: [{ path: "/api/v1", router: restApiRouter(db, { onChange() {} }) }],
  });
  return listen(app, 0);
}

const beat = (db: Database, jobType: string, state: string, secondsAgo: number) =>
  db.query("INSERT INTO job (job_type, state, hostname, pid, latest_heartbeat) VALUES ($1, $2, 'h', 1, now() - make_interval(secs => $3))", [jobType, state, secondsAgo]);

describeEachBackend("health report", (backend) => {
  let db: Database;
  let server: RunningServer;
  beforeAll(async () => {
    db = await backend.open();
    server = await serve(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await db.query("DELETE FROM job");
  });
  const get = async (path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<Record<string, Record<string, unknown>>>;

  it("no scheduler: unhealthy; no triggerer or DAG processor ever: null, as Airflow reports them", async () => {
    const report = await get("/health");
    expect(report).toEqual({
      metadatabase: { status: "healthy" },
      scheduler: { status: "unhealthy", latest_scheduler_heartbeat: null },
      triggerer: { status: null, latest_triggerer_heartbeat: null },
      dag_processor: { status: null, latest_dag_processor_heartbeat: null },
    });
    expect(await get("/api/v1/health")).toEqual(report);
  });

  it("a scheduler and triggerer that heartbeat are healthy; a stopped or silent one is not", async () => {
    await beat(db, "SchedulerJob", "running", 2);
    await beat(db, "TriggererJob", "running", 3);
    let report = await get("/health");
    expect(report.scheduler.status).toBe("healthy");
    expect(report.triggerer.status).toBe("healthy");
    expect(typeof report.triggerer.latest_triggerer_heartbeat).toBe("string");
    // The scheduler dies: its heartbeat ages past scheduler_health_check_threshold (30 s).
    await db.query("UPDATE job SET latest_heartbeat = now() - interval '5 minutes' WHERE job_type = 'SchedulerJob'");
    // The triggerer was stopped: its row stays, ended.
    await db.query("UPDATE job SET state = 'success' WHERE job_type = 'TriggererJob'");
    report = await get("/health");
    expect(report.scheduler.status).toBe("unhealthy");
    expect(report.scheduler.latest_scheduler_heartbeat).not.toBeNull();
    expect(report.triggerer.status).toBe("unhealthy");
  });

  it("judges by the most recent job, running ones first (a new scheduler replaced a dead one)", async () => {
    await beat(db, "SchedulerJob", "failed", 1);
    await beat(db, "SchedulerJob", "running", 4);
    expect((await get("/health")).scheduler.status).toBe("healthy");
  });
});

describe("health faults", () => {
  it("an unreachable database makes the metadatabase and everything read from it unhealthy", async () => {
    const down: Queryable = {
      query: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")),
      exec: () => Promise.reject(new Error("connect ECONNREFUSED")),
    } as unknown as Queryable;
    const report = await checkHealth(down, {});
    expect(report.metadatabase.status).toBe("unhealthy");
    expect(report.scheduler.status).toBe("unhealthy");
    expect(report.triggerer.status).toBe("unhealthy");
    expect(isUnhealthy(report)).toBe(true);
  });
});

/** `updraft …` through the CLI's entry point, in this process (the command reads the same environment). */
async function updraft(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

describe("updraft health", () => {
  let db: Database;
  let server: RunningServer;
  let home: string;
  beforeAll(async () => {
    db = await BACKENDS[0].open();
    server = await serve(db);
    home = await mkdtemp(join(tmpdir(), "updraft-health-"));
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    await rm(home, { recursive: true, force: true });
  });

  it("exits 0 with a table while everything that runs is healthy, 1 with -o json once the scheduler is dead", async () => {
    await beat(db, "SchedulerJob", "running", 1);
    const healthy = await updraft(["health", "--url", server.url]);
    expect(healthy.stderr).toBe("");
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/scheduler\s+\|\s+healthy/);
    expect(healthy.stdout).toMatch(/triggerer\s+\|\s+not running/);

    await db.query("UPDATE job SET latest_heartbeat = now() - interval '1 hour'");
    const dead = await updraft(["health", "--url", server.url, "-o", "json"]);
    expect(dead.code).toBe(1);
    expect(JSON.parse(dead.stdout).scheduler.status).toBe("unhealthy");
  });

  it("with the BullMQ executor, a Redis that does not answer is reported, quickly", async () => {
    const port = await freePort();
    const report = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    expect(report).not.toHaveProperty("executor"); // the local executor has no Redis
    process.env.UPDRAFT_EXECUTOR = "bullmq";
    process.env.UPDRAFT_REDIS_URL = `redis://:secret@127.0.0.1:${port}`;
    try {
      const down = (await (await fetch(`${server.url}/health`)).json()) as { executor: { status: string; redis: { error: string } } };
      expect(down.executor.status).toBe("unhealthy");
      expect(down.executor.redis.error).toContain(`Redis at redis://***@127.0.0.1:${port} did not answer`);
      expect(down.executor.redis.error).not.toContain("secret");
      const cli = await updraft(["health", "--url", server.url, "-o", "json"]);
      expect(cli.code).toBe(1);
    } finally {
      delete process.env.UPDRAFT_EXECUTOR;
      delete process.env.UPDRAFT_REDIS_URL;
    }
  });

  describeRedis("with Redis up", () => {
    it("reports the BullMQ executor's Redis healthy", async () => {
      const report = await checkHealth(db, { redisUrl: REDIS_URL });
      expect(report.executor).toEqual({ status: "healthy", executor: "bullmq", redis: { status: "healthy" } });
    });
  });

  it("exits 1 and says why when there is no database to read", async () => {
    const result = await updraft(["health", "-o", "json"], { UPDRAFT_HOME: home, UPDRAFT_DATABASE_URL: "" });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).metadatabase).toEqual({
      status: "unhealthy", error: `There is no database in ${home} (UPDRAFT_HOME) and no UPDRAFT_DATABASE_URL: nothing has run here.`,
    });
  });
});
