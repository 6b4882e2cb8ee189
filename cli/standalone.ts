import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { dagsFolder } from "../core/dagbag/dagbag.ts";
import { loadSecretKey } from "../core/execution-token.ts";
import type { Database } from "../core/store/database.ts";
import { migrate } from "../core/store/migrate.ts";
import { openDatabase, updraftHome } from "../core/store/open.ts";
import type { Executor } from "../executor/executor.ts";
import { LocalExecutor } from "../executor/local-executor.ts";
import { DagProcessor } from "../scheduler/dag-processor/dag-processor.ts";
import { schedulerEvents } from "../scheduler/execution-events.ts";
import { logPathFor, Scheduler } from "../scheduler/scheduler.ts";
import { Triggerer } from "../triggerer/triggerer.ts";
import { createApp, listen, type RunningServer } from "../webserver/app.ts";
import { ExecutionApi } from "../webserver/execution-api/execution-api.ts";
import { ensureAdminUser } from "../webserver/auth/standalone-admin.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { uiRouter } from "../webserver/ui/router.ts";
import { removeStandaloneDescriptor, writeStandaloneDescriptor } from "./standalone-descriptor.ts";
import { componentLogs, startProcessObservability } from "../observability/process.ts";

export interface StandaloneOptions {
  port?: number;
  home?: string;
  dagsFolder?: string;
  /** An open database to use (tests); otherwise UPDRAFT_DATABASE_URL or the embedded one in `home`. */
  db?: Database;
  parallelism?: number;
  /** How often the DAG processor looks for new and changed files. Default 5 s (UPDRAFT_DAG_DIR_LIST_INTERVAL). */
  dagProcessorIntervalMs?: number;
  zombieThresholdMs?: number;
  /** Serve the REST API (standalone). `updraft scheduler` serves only the execution API its runners use. */
  restApi?: boolean;
  log?: (message: string) => void;
}

export interface Standalone {
  url: string;
  home: string;
  db: Database;
  scheduler: Scheduler;
  executor: Executor;
  dagProcessor: DagProcessor;
  adminPassword: string | null;
  /** Parse the DAGs folder now (instead of waiting for the next interval). */
  parseDags(): Promise<void>;
  stop(): Promise<void>;
}


/**
 * `updraft standalone`: migrate, make sure an admin user exists, then run the DAG processor, scheduler, local executor
 * and webserver in this one process (the embedded database allows one process only).
 */
export async function startStandalone(options: StandaloneOptions = {}): Promise<Standalone> {
  const log = options.log ?? ((m: string) => console.log(m));
  const logFor = componentLogs(options.log);
  const home = resolve(options.home ?? updraftHome());
  await mkdir(home, { recursive: true });
  const db = options.db ?? (await openDatabase({ url: process.env.UPDRAFT_DATABASE_URL || undefined, home }));
  await migrate(db, (m) => log(`Applied migration ${String(m.version).padStart(4, "0")}_${m.name}`));
  const adminPassword = await ensureAdminUser(db, home, log);
  const secret = loadSecretKey(home);
  let scheduler: Scheduler | undefined;
  const executionApi = new ExecutionApi(db, secret, schedulerEvents(db, () => scheduler));
  const executor = await chooseExecutor(options, home, executionApi, logFor);
  const hooks = {
    onChange: (key?: string) => {
      // A run whose TIs were changed behind the scheduler's back (clear) is read again; queued runs may start.
      if (key) scheduler?.wake(key);
      scheduler?.runsCreated();
    },
  };
  const logs = { logPathFor: (key: Parameters<typeof logPathFor>[1], tryNumber: number) => logPathFor(home, key, tryNumber) };
  const app = createApp({
    executionApi,
    db,
    routers: options.restApi === false ? [] : [
      { path: "/api/v1", router: restApiRouter(db, hooks, logs) },
      { path: "/", router: uiRouter(db, hooks, { ...logs, secret }) },
    ],
  });
  const server: RunningServer = await listen(app, options.port ?? Number(process.env.UPDRAFT_PORT ?? 8080), process.env.UPDRAFT_HOST || "127.0.0.1");
  scheduler = new Scheduler(db, { executor, apiUrl: server.url, home, secret, zombieThresholdMs: options.zombieThresholdMs, log: logFor("scheduler") });
  const dagProcessor = new DagProcessor(db, { dagsFolder: resolve(options.dagsFolder ?? dagsFolder()) });

  const parseDags = async () => {
    const report = await dagProcessor.processOnce();
    if (report.filesParsed > 0 || report.deactivated.length > 0) {
      logFor("dag-processor")(`parsed ${report.filesParsed} file(s): ${report.dagsStored.length} DAG(s), ${report.importErrors} import error(s)`);
      scheduler!.wake();
    }
  };
  await parseDags();
  await executor.start();
  await scheduler.start();
  const triggerer = new Triggerer(db, { log: logFor("triggerer") });
  await triggerer.start();
  const interval = options.dagProcessorIntervalMs ?? Number(process.env.UPDRAFT_DAG_DIR_LIST_INTERVAL ?? 5) * 1000;
  let parsing = Promise.resolve();
  const timer = setInterval(() => {
    parsing = parsing.then(parseDags).catch((error) => logFor("dag-processor")((error as Error).message, { level: "error" }));
  }, interval);

  const observability = await startProcessObservability({ metricsPort: options.restApi === false, log });
  const descriptor = options.restApi === false ? null : await writeStandaloneDescriptor(home, server.url);
  log(`Updraft is running at ${server.url} (database: ${db.description}, DAGs: ${options.dagsFolder ?? dagsFolder()})`);

  let stopped = false;
  return {
    url: server.url,
    home,
    db,
    scheduler,
    executor,
    dagProcessor,
    adminPassword,
    parseDags,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await parsing;
      await triggerer.stop();
      await scheduler!.stop();
      await executor.stop();
      await dagProcessor.close();
      await server.close();
      await observability.stop();
      if (descriptor) await removeStandaloneDescriptor(descriptor);
      if (!options.db) await db.close();
    },
  };
}

/**
 * UPDRAFT_EXECUTOR: `local` (default: warm runner processes here) or `bullmq` (jobs on Redis at UPDRAFT_REDIS_URL for
 * `updraft worker` processes, which reach this process's execution API over HTTP).
 */
async function chooseExecutor(options: StandaloneOptions, home: string, executionApi: ExecutionApi, logFor: (component: string) => (m: string) => void): Promise<Executor> {
  const kind = process.env.UPDRAFT_EXECUTOR || "local";
  if (kind === "local") return new LocalExecutor({ parallelism: options.parallelism, env: { UPDRAFT_HOME: home }, executionApi, log: logFor("executor") });
  if (kind !== "bullmq") throw new Error(`Unknown UPDRAFT_EXECUTOR "${kind}": use "local" or "bullmq".`);
  const { BullmqExecutor } = await import("../executor/bullmq-executor.ts");
  const redisUrl = process.env.UPDRAFT_REDIS_URL || "redis://127.0.0.1:6379";
  return new BullmqExecutor({ redisUrl, parallelism: options.parallelism, log: logFor("executor") });
}
