import { Worker } from "bullmq";
import { Redis } from "ioredis";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import { cancelChannel, jobIdOf, redisConnection, type WorkerOutcome } from "./bullmq-protocol.ts";
import type { Workload } from "./executor.ts";
import { logPathFor } from "../scheduler/scheduler.ts";
import { LocalExecutor } from "./local-executor.ts";
import { logFunction } from "../observability/logger.ts";

export interface BullmqWorkerOptions {
  redisUrl: string;
  /** Queues to consume. Default ["default"]. */
  queues?: string[];
  /** Tasks run at once: the number of warm runner processes. Default 8. */
  concurrency?: number;
  prefix?: string;
  /** The execution API as this machine reaches it (UPDRAFT_API_URL); default: the address the scheduler gave. */
  apiUrl?: string;
  /** $UPDRAFT_HOME of this machine: try logs go under its logs/, in Airflow's layout. */
  home: string;
  log?: (message: string) => void;
}

export interface RunningWorker {
  runnerPids(): number[];
  /** Stops taking jobs, lets the running ones finish, then stops the runners. */
  stop(): Promise<void>;
}

/**
 * `updraft worker`: consumes task-instance jobs from BullMQ and runs each in a warm runner process, exactly as the
 * local executor does (it is one, without an execution API of its own): the runner reaches the scheduler's execution
 * API over HTTP with the job's token, and this process never opens the database. A scheduler's request to stop a try
 * (published on Redis) kills its runner.
 */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<RunningWorker> {
  const log = options.log ?? logFunction("worker");
  const prefix = options.prefix ?? (process.env.UPDRAFT_REDIS_PREFIX || "updraft");
  const concurrency = options.concurrency ?? 8;
  const runners = new LocalExecutor({ parallelism: concurrency, env: { UPDRAFT_HOME: options.home }, log });
  await runners.start();

  const waiting = new Map<string, (outcome: WorkerOutcome) => void>();
  runners.onEvent((event) => {
    if (event.kind !== "exited") return;
    const id = jobIdOf(event.workload.key, event.workload.tryNumber);
    waiting.get(id)?.({ ok: event.ok, reason: event.reason });
    waiting.delete(id);
  });
  const run = (workload: Workload) =>
    new Promise<WorkerOutcome>((resolve) => {
      waiting.set(jobIdOf(workload.key, workload.tryNumber), resolve);
      // Logs stay on the machine that ran the try, under its own home (the scheduler's path is another machine's).
      runners.queue({
        ...workload,
        apiUrl: options.apiUrl ?? workload.apiUrl,
        logPath: logPathFor(options.home, workload.key, workload.tryNumber),
      });
    });

  const connection = redisConnection(options.redisUrl);
  const workers = (options.queues?.length ? options.queues : ["default"]).map((queue) => {
    const worker = new Worker<Workload, WorkerOutcome>(queue, (job) => run(job.data), {
      connection, prefix, concurrency,
      // A job whose worker died is failed, not handed to another worker: the scheduler decides about a retry.
      maxStalledCount: 0,
      stalledInterval: 10_000,
      lockDuration: 20_000,
    });
    worker.on("error", (error) => log(`queue "${queue}": ${error.message}`));
    worker.on("failed", (job, error) => log(`job for ${job?.data.key.dagId}.${job?.data.key.taskId} failed: ${error.message}`));
    return worker;
  });

  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  subscriber.on("error", () => {}); // reconnects by itself
  await subscriber.subscribe(cancelChannel(prefix));
  subscriber.on("message", (_channel, message) => {
    try {
      const { key, tryNumber } = JSON.parse(message) as { key: TiKey; tryNumber: number };
      runners.kill(key, tryNumber);
    } catch {
      // not a cancel request of ours
    }
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  log(`consuming ${workers.map((w) => `"${w.name}"`).join(", ")} with ${concurrency} runner(s) (Redis ${options.redisUrl})`);

  return {
    runnerPids: () => runners.runnerPids(),
    async stop() {
      await Promise.all(workers.map((worker) => worker.close()));
      await subscriber.quit().catch(() => {});
      await runners.stop();
    },
  };
}
