import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { Executor, ExecutorEvent, ExecutorStats, Workload } from "./executor.ts";
import { cancelChannel, jobIdOf, redisConnection, type WorkerOutcome } from "./bullmq-protocol.ts";
import { logFunction } from "../observability/logger.ts";

export interface BullmqExecutorOptions {
  /** redis://host:port[/db] (UPDRAFT_REDIS_URL). */
  redisUrl: string;
  /** Task instances queued or running at once through this scheduler: Airflow's parallelism. Default 32 (UPDRAFT_PARALLELISM). */
  parallelism?: number;
  /** Key prefix of every queue, so that several installations can share one Redis. Default UPDRAFT_REDIS_PREFIX or "updraft". */
  prefix?: string;
  /** How often to check that every try handed out still has its job in Redis. Default 5 s. */
  reconcileIntervalMs?: number;
  log?: (message: string) => void;
}

// BullMQ runs lower numbers first (1…2,097,151); Airflow runs higher priority weights first.
const LOWEST_PRIORITY = 2_097_151;
const bullmqPriority = (weight: number) => Math.min(LOWEST_PRIORITY, Math.max(1, 1_000_000 - Math.round(weight)));

/**
 * The BullMQ executor: each task-instance try becomes a job on the BullMQ queue named by the task's `queue`; `updraft
 * worker` processes consume them (executor/bullmq-worker.ts) and report only through the execution API. The job id is
 * the try itself, so a try is never enqueued twice. What a worker tells the queue when a job ends (its runner died, the
 * try never started) comes back here as an executor event; a worker that dies silently leaves the try to the scheduler's
 * zombie detection, as in Airflow.
 */
export class BullmqExecutor implements Executor {
  readonly name = "bullmq";
  private readonly parallelism: number;
  private readonly prefix: string;
  private readonly queues = new Map<string, Queue>();
  private readonly queueEvents = new Map<string, QueueEvents>();
  private readonly inFlight = new Map<string, Workload>();
  private readonly listeners: Array<(event: ExecutorEvent) => void> = [];
  private readonly log: (message: string) => void;
  private publisher: Redis | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling = false;

  constructor(private readonly options: BullmqExecutorOptions) {
    this.parallelism = options.parallelism ?? Number(process.env.UPDRAFT_PARALLELISM ?? 32);
    this.prefix = options.prefix ?? (process.env.UPDRAFT_REDIS_PREFIX || "updraft");
    this.log = options.log ?? logFunction("executor");
  }

  async start(): Promise<void> {
    this.publisher = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.publisher.on("error", () => {}); // reconnects by itself; enqueueing reports what fails
    await this.publisher.connect().catch((error: Error) => {
      throw new Error(`Cannot reach Redis at ${this.options.redisUrl} (${error.message}): start Redis or fix UPDRAFT_REDIS_URL.`);
    });
    await this.queueFor("default").waitUntilReady();
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.options.reconcileIntervalMs ?? 5000);
  }

  /**
   * Every try this executor handed out must still have its job in Redis. One that vanished (Redis restarted without
   * persistence, or was flushed) is enqueued again under the same id: if the try had started meanwhile, its worker's
   * start is refused and the job ends at once, so enqueueing twice never runs a try twice. A job that ended while the
   * queue's events were not heard (Redis down) is ended here.
   */
  async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      for (const [jobId, workload] of [...this.inFlight]) {
        const queue = this.queueFor(workload.queue);
        const job = await queue.getJob(jobId);
        if (!job) {
          this.log(`The job of ${workload.key.dagId}.${workload.key.taskId} try ${workload.tryNumber} is gone from Redis: enqueueing it again.`);
          await this.enqueue(jobId, workload);
          continue;
        }
        const state = await job.getState();
        if (state === "completed") this.ended(jobId, job.returnvalue as WorkerOutcome);
        else if (state === "failed") this.ended(jobId, { ok: false, reason: `its worker failed it: ${job.failedReason}` });
      }
    } catch {
      // Redis unreachable: the next round tries again
    } finally {
      this.reconciling = false;
    }
  }

  slotsAvailable(): number {
    return Math.max(0, this.parallelism - this.inFlight.size);
  }

  /** Every try handed to Redis counts as running, as Airflow's Celery executor counts tasks sent to Celery. */
  stats(): ExecutorStats {
    return { queued: 0, running: this.inFlight.size, openSlots: this.slotsAvailable() };
  }

  queue(workload: Workload): void {
    const jobId = jobIdOf(workload.key, workload.tryNumber);
    this.inFlight.set(jobId, workload);
    this.emit({ kind: "started", workload });
    // Redis unreachable: the try stays in flight, and reconciliation enqueues it once Redis is back.
    this.enqueue(jobId, workload).catch((error: Error) => this.log(`Could not enqueue ${workload.key.dagId}.${workload.key.taskId} yet: ${error.message}`));
  }

  private async enqueue(jobId: string, workload: Workload): Promise<void> {
    await this.queueFor(workload.queue).add("ti", workload, {
      jobId, priority: bullmqPriority(workload.priorityWeight), removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 },
    });
  }

  onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  /** A job still waiting is removed; one running is stopped by its worker, which every worker hears on Redis. */
  kill(key: TiKey, tryNumber: number): void {
    const jobId = jobIdOf(key, tryNumber);
    const workload = this.inFlight.get(jobId);
    if (workload) void this.queueFor(workload.queue).remove(jobId).catch(() => {});
    void this.publisher?.publish(cancelChannel(this.prefix), JSON.stringify({ key, tryNumber })).catch(() => {});
  }

  async stop(): Promise<void> {
    clearInterval(this.reconcileTimer);
    await Promise.all([...this.queueEvents.values()].map((events) => events.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.publisher?.quit().catch(() => {});
  }

  private queueFor(name: string): Queue {
    let queue = this.queues.get(name);
    if (queue) return queue;
    const connection = redisConnection(this.options.redisUrl);
    queue = new Queue(name, { connection, prefix: this.prefix });
    queue.on("error", (error) => this.log(`Redis queue "${name}": ${error.message}`));
    this.queues.set(name, queue);
    const events = new QueueEvents(name, { connection, prefix: this.prefix });
    events.on("error", () => {}); // reconnects by itself
    events.on("completed", ({ jobId, returnvalue }) => this.ended(jobId, returnvalue as unknown as WorkerOutcome));
    events.on("failed", ({ jobId, failedReason }) => this.ended(jobId, { ok: false, reason: `its worker failed it: ${failedReason}` }));
    this.queueEvents.set(name, events);
    return queue;
  }

  private ended(jobId: string, outcome: WorkerOutcome): void {
    const workload = this.inFlight.get(jobId);
    if (!workload) return;
    this.inFlight.delete(jobId);
    this.emit({ kind: "exited", workload, ok: outcome.ok, reason: outcome.reason });
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
