import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { planRun } from "../core/scheduling/plan-run.ts";
import { join } from "node:path";
import { issueToken } from "../core/execution-token.ts";
import type { Database, Queryable } from "../core/store/database.ts";
import { isConnectionError } from "../core/store/errors.ts";
import { laterRunningRuns, lockNamedRunsToSchedule, lockRunsToSchedule, startQueuedRuns, touchSchedulingDecision, type DagRunRow } from "../core/store/queries/dag-runs.ts";
import { SCHEDULER_HEALTH_THRESHOLD_MS } from "../core/store/queries/jobs.ts";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { Executor, ExecutorEvent } from "../executor/executor.ts";
import { adoptOrphanedTasks, ORPHANED_TASKS_CHECK_INTERVAL_MS } from "./adopt-orphans.ts";
import { createDueRuns } from "./create-runs.ts";
import { createDatasetTriggeredRuns } from "./dataset-runs.ts";
import { sendDagCallbacks } from "./dag-callbacks.ts";
import { DagCache } from "./dag-cache.ts";
import { DatabaseMaintenance } from "./database-maintenance.ts";
import { failTryExternally } from "./failure.ts";
import { SlaChecker } from "./sla-check.ts";
import { refreshNextDagrun } from "./next-dagrun.ts";
import { hasPastDependencies } from "./past-dependencies.ts";
import { queueScheduledTasks, type QueuedTi } from "./queue-tasks.ts";
import { RunStateCache, type TiChange } from "./run-state-cache.ts";
import { needsDatabaseToPlan, planIsIdle, scheduleRun, type KnownRunState } from "./schedule-run.ts";
import { failTimedOutTries } from "./timeout-backstop.ts";
import { timeOutDeferrals } from "../core/store/queries/triggers.ts";
import { logIds, schedulerObserved } from "../observability/scheduler-hooks.ts";
import { logFunction, type LogFunction } from "../observability/logger.ts";
import { emitDagRunEvent } from "../lineage/dag-run-events.ts";

export const SCHEDULER_CHANNEL = "updraft_scheduler";

/**
 * NOTIFY payloads on SCHEDULER_CHANNEL, as JSON (PostgreSQL refuses a NUL byte in a payload, so never a run key):
 * a try of this run finished with this outcome (see `Scheduler.tryFinished`), or, without `ti`, the run changed.
 * `from` names the scheduler that was told in-process already, so that it does not handle its own event twice.
 * An empty payload asks for a pass over everything.
 */
export function tryFinishedPayload(dagId: string, runId: string, change: TiChange, from?: string): string {
  return JSON.stringify({ run: [dagId, runId], ti: change, from });
}

export function runChangedPayload(dagId: string, runId: string, from?: string): string {
  return JSON.stringify({ run: [dagId, runId], from });
}

/** Dataset events queued dataset-triggered runs (see `Scheduler.datasetsQueued`). */
export function datasetsQueuedPayload(from?: string): string {
  return JSON.stringify({ datasets: true, from });
}

export interface SchedulerOptions {
  executor: Executor;
  /** Where runners reach the execution API. */
  apiUrl: string;
  /** $UPDRAFT_HOME: logs go under logs/. */
  home: string;
  secret: Buffer;
  /** Safety-net pass over every running run, even with no event. Default 1 s (Airflow's idle sleep, UPDRAFT_SCHEDULER_IDLE_SLEEP_SEC). */
  pollIntervalMs?: number;
  /** A running TI whose runner has not heartbeaten for this long is a zombie. Default 60 s (UPDRAFT_ZOMBIE_THRESHOLD_SEC). */
  zombieThresholdMs?: number;
  /** Another scheduler silent this long is dead and its queued TIs are adopted. Default 30 s (UPDRAFT_SCHEDULER_HEALTH_CHECK_THRESHOLD_SEC). */
  healthThresholdMs?: number;
  /** A try still running this long past its execution_timeout is ended by the scheduler. Default 30 s (UPDRAFT_EXECUTION_TIMEOUT_GRACE_SEC). */
  executionTimeoutGraceMs?: number;
  log?: LogFunction;
}

const runKey = (dagId: string, runId: string) => `${dagId}\u0000${runId}`;

/**
 * The scheduler: creates runs per timetable, decides which TIs may run (with the core planner), queues them honouring
 * pools and limits, hands them to the executor, and reacts to finished tries at once (an in-process event in
 * standalone, NOTIFY on PostgreSQL) — polling is only a safety net. Several schedulers may share one PostgreSQL:
 * rows are taken with SKIP LOCKED and every state change is guarded.
 */
export class Scheduler {
  readonly cache = new DagCache();
  /** Names this scheduler in NOTIFY payloads (see tryFinishedPayload). */
  readonly origin = randomUUID();
  private readonly runStates = new RunStateCache();
  private readonly maintenance: DatabaseMaintenance;
  private readonly slaChecker: SlaChecker;
  /** TIs may be `scheduled` and waiting for the critical section. */
  private scheduledPending = true;
  /** The last critical section filled every executor slot: TIs may be waiting for the next free one. */
  private waitingForSlots = false;
  private jobId = 0;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeResolve: (() => void) | undefined;
  private readonly dirtyRuns = new Set<string>();
  private fullPassDue = true;
  /** A run was triggered or finished: queued runs may start and next runs be created. */
  private runsChanged = true;
  private readonly wakeAt = new Map<string, Date>();
  private readonly knownDags = new Map<string, string>();
  private lastHeartbeat = 0;
  private lastZombieCheck = 0;
  private lastOrphanCheck = 0;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly pollIntervalMs: number;
  private readonly zombieThresholdMs: number;
  private readonly healthThresholdMs: number;
  private readonly log: LogFunction;

  constructor(
    private readonly db: Database,
    private readonly options: SchedulerOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? Number(process.env.UPDRAFT_SCHEDULER_IDLE_SLEEP_SEC ?? 1) * 1000;
    this.zombieThresholdMs = options.zombieThresholdMs ?? Number(process.env.UPDRAFT_ZOMBIE_THRESHOLD_SEC ?? 60) * 1000;
    this.healthThresholdMs = options.healthThresholdMs ?? SCHEDULER_HEALTH_THRESHOLD_MS;
    this.log = options.log ?? logFunction("scheduler");
    this.maintenance = new DatabaseMaintenance(db, this.log);
    this.slaChecker = new SlaChecker(db, this.cache, this.log);
  }

  get id(): number {
    return this.jobId;
  }

  async start(): Promise<void> {
    await this.register();
    schedulerObserved.started(this.options.executor);
    this.options.executor.onEvent((event) => void this.onExecutorEvent(event));
    this.unlisten = await this.db.listen(SCHEDULER_CHANNEL, (payload) => this.onNotify(payload));
    await this.adoptOrphans(true);
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeResolve?.();
    await this.loopDone;
    await this.unlisten?.();
    await this.db.query("UPDATE job SET state = 'success', end_date = now() WHERE id = $1", [this.jobId]).catch(() => {});
  }

  /**
   * Something changed: examine this run (dag_id NUL run_id) now, reading its TIs again, or everything when no key is
   * given.
   */
  wake(key?: string): void {
    if (key) {
      this.runStates.forget(key);
      this.dirtyRuns.add(key);
    } else this.fullPassDue = true;
    this.wakeResolve?.();
  }

  /** A try finished (the execution API recorded it): its downstream may be ready now. */
  tryFinished(dagId: string, runId: string, change: TiChange): void {
    const key = runKey(dagId, runId);
    this.runStates.apply(key, change);
    this.dirtyRuns.add(key);
    this.wakeResolve?.();
    if (change.state === "success" || change.state === "skipped") this.wakeLaterRuns(dagId, runId);
  }

  /**
   * depends_on_past / wait_for_downstream: a TI that succeeded or was skipped may be what the DAG's later runs wait for,
   * so they are examined now rather than at the next safety-net pass.
   */
  private wakeLaterRuns(dagId: string, runId: string): void {
    void (async () => {
      const stored = await this.cache.get(this.db, dagId);
      if (!stored || !hasPastDependencies(stored.data)) return;
      for (const later of await laterRunningRuns(this.db, dagId, runId)) this.wake(runKey(dagId, later));
    })().catch(() => {}); // the safety-net pass examines them anyway
  }

  private onNotify(payload: string): void {
    if (!payload.startsWith("{")) return this.wake();
    try {
      const { run, ti, from, datasets } = JSON.parse(payload) as { run: [string, string]; ti?: TiChange; from?: string; datasets?: boolean };
      if (from === this.origin) return; // heard in-process already
      if (datasets) return this.datasetsQueued();
      if (!ti) return this.wake(runKey(run[0], run[1]));
      const dates = { nextRetryAt: ti.nextRetryAt ? new Date(ti.nextRetryAt) : null, rescheduleAt: ti.rescheduleAt ? new Date(ti.rescheduleAt) : null };
      this.tryFinished(run[0], run[1], { ...ti, ...dates });
    } catch {
      this.wake();
    }
  }

  /** Dataset events queued runs of DAGs scheduled on datasets: create them now rather than at the next pass. */
  datasetsQueued(): void {
    this.runsChanged = true;
    this.wakeResolve?.();
  }

  /**
   * Something outside the scheduler changed runs (a trigger, backfill, unpause, a user clearing or marking TIs): start
   * queued runs now rather than at the next safety-net pass, and read every running run again.
   */
  runsCreated(): void {
    this.runStates.forgetAll();
    this.runsChanged = true;
    this.wake();
  }

  private async loop(): Promise<void> {
    let lastFullPass = 0;
    let databaseDown = false;
    while (this.running) {
      let busy = false;
      try {
        if (Date.now() - lastFullPass >= this.pollIntervalMs) {
          this.fullPassDue = true;
          lastFullPass = Date.now();
        }
        // Let pending I/O in first (finished tries, above all): events that arrived meanwhile are handled in one pass.
        await new Promise((resolve) => setImmediate(resolve));
        const loopStart = performance.now();
        busy = await this.loopOnce();
        schedulerObserved.loop(performance.now() - loopStart);
        if (databaseDown) this.log("The database is reachable again; scheduling resumes.");
        databaseDown = false;
      } catch (error) {
        if (isConnectionError(error)) {
          if (!databaseDown) this.log(`Lost the database (${(error as Error).message}); retrying every second until it is back.`);
          databaseDown = true;
          await sleep(1000);
          continue;
        }
        this.log(`Scheduling loop error: ${(error as Error).stack ?? error}`);
        await sleep(200);
      }
      const queueable = this.scheduledPending && this.options.executor.slotsAvailable() > 0;
      if (!busy && this.running && !this.dirtyRuns.size && !this.fullPassDue && !queueable) await this.idle();
    }
  }

  private idle(): Promise<void> {
    const now = Date.now();
    let until = now + this.pollIntervalMs;
    for (const at of this.wakeAt.values()) until = Math.min(until, at.getTime());
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, until - now));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeResolve = () => {
        this.wakeResolve = undefined;
        done();
      };
    });
  }

  /** One iteration. Returns true when it did something, so the loop goes on without sleeping. */
  async loopOnce(): Promise<boolean> {
    const now = new Date();
    let busy = false;
    const full = this.fullPassDue;
    this.fullPassDue = false;
    if (full) await this.refreshChangedDags(now);
    if (full || this.runsChanged) {
      this.runsChanged = false;
      busy = (await createDueRuns(this.db, this.cache, now)) > 0 || busy;
      busy = (await createDatasetTriggeredRuns(this.db, this.cache)) > 0 || busy;
      const started = await this.db.transaction((tx) => startQueuedRuns(tx, 50));
      for (const run of started) this.dirtyRuns.add(runKey(run.dag_id, run.run_id));
      for (const run of started) emitDagRunEvent(this.db, "START", run);
      busy = (await sendDagCallbacks(this.db, this.cache, this.options, this.log)) > 0 || busy;
    }
    for (const [key, at] of this.wakeAt) if (at <= now) {
      this.wakeAt.delete(key);
      this.dirtyRuns.add(key);
    }
    const keys = full ? null : [...this.dirtyRuns];
    this.dirtyRuns.clear();
    if (full || keys!.length) busy = (await this.scheduleRuns(keys, now)) || busy;
    busy = (await this.queueTasks(full)) || busy;
    await this.maintenance.runIfDue();
    await this.slaChecker.runIfDue();
    if (Date.now() - this.lastHeartbeat > 5000) {
      this.lastHeartbeat = Date.now();
      await this.heartbeat();
    }
    if (Date.now() - this.lastZombieCheck > Math.min(5000, this.zombieThresholdMs / 2)) {
      this.lastZombieCheck = Date.now();
      await this.failZombies();
      for (const key of await failTimedOutTries(this.db, this.cache, this.options, this.log)) this.wake(runKey(key.dagId, key.runId));
      // Airflow's check_trigger_timeouts: expired deferrals resume through `__fail__`; the full pass queues them.
      if ((await timeOutDeferrals(this.db)).length) this.wake();
    }
    // A scheduler that died after this one started: its queued TIs would wait forever (Airflow's periodic adoption).
    if (Date.now() - this.lastOrphanCheck > ORPHANED_TASKS_CHECK_INTERVAL_MS) await this.adoptOrphans(false);
    return busy;
  }

  private async scheduleRuns(keys: string[] | null, now: Date): Promise<boolean> {
    const known = new Map<string, KnownRunState>();
    // The cache's version of each run when its TIs were read, so that what this pass learnt never hides a later event.
    const versions = new Map<string, string>();
    if (keys) {
      keys = await this.runsWithWork(keys, now, known, versions);
      if (!keys.length) return false;
    }
    let again = false;
    let didWork = false;
    let queued: QueuedTi[] = [];
    await this.db.transaction(async (tx) => {
      const runs = keys
        ? await lockNamedRunsToSchedule(tx, keys.map((k) => k.split("\u0000")[0]), keys.map((k) => k.split("\u0000")[1]))
        : await lockRunsToSchedule(tx, 50);
      for (const run of runs) {
        const key = runKey(run.dag_id, run.run_id);
        const stored = await this.cache.get(tx, run.dag_id);
        if (!stored) continue;
        if (!known.has(key)) versions.set(key, this.runStates.version(key));
        const decision = await scheduleRun(tx, run, stored.data, now, known.get(key));
        if (decision.scheduled > 0 || decision.finished) didWork = true;
        if (decision.scheduled > 0) this.scheduledPending = true;
        if (decision.again) {
          again = true;
          this.dirtyRuns.add(key);
          if (hasPastDependencies(stored.data)) this.wakeLaterRuns(run.dag_id, run.run_id);
        }
        if (decision.wakeAt) this.wakeAt.set(key, decision.wakeAt);
        if (decision.finished) {
          this.runStates.drop(key);
          await this.onRunFinished(tx, run, decision.finished, decision.reason, now);
        } else if (!decision.snapshot) {
          // A guarded write missed: another actor moved a TI. Read the run again and plan once more.
          this.runStates.forget(key);
          again = true;
          this.dirtyRuns.add(key);
        } else {
          this.runStates.remember(key, decision.snapshot, versions.get(key)!);
        }
      }
      // Only full passes rotate fairly through runs; an event names the run to look at.
      if (!keys) await touchSchedulingDecision(tx, runs.map((r) => r.id));
      // What this event pass scheduled is queued in the same transaction: one commit per hop instead of two.
      if (keys && this.scheduledPending) queued = await this.criticalSection(tx);
    });
    this.handToExecutor(queued);
    return didWork || again || queued.length > 0;
  }

  /**
   * Of the runs an event named, those with something to write. A run whose TIs are known is planned in memory first:
   * when its plan only waits (a task finished, but what follows still has unfinished upstreams), nothing is read,
   * locked or written.
   */
  private async runsWithWork(keys: readonly string[], now: Date, known: Map<string, KnownRunState>, versions: Map<string, string>): Promise<string[]> {
    const withWork: string[] = [];
    for (const key of keys) {
      versions.set(key, this.runStates.version(key));
      const snapshot = this.runStates.get(key);
      const stored = snapshot && (await this.cache.get(this.db, key.split("\u0000")[0]));
      if (!snapshot || !stored || needsDatabaseToPlan(stored.data, snapshot)) {
        withWork.push(key);
        continue;
      }
      const plan = planRun(stored.data, snapshot, { now, mapLength: () => null });
      if (planIsIdle(plan)) {
        if (plan.wakeAt) this.wakeAt.set(key, plan.wakeAt);
        continue;
      }
      known.set(key, { snapshot, plan });
      withWork.push(key);
    }
    return withWork;
  }

  /** A job row of its own: other schedulers judge this one alive by its heartbeat. */
  private async register(): Promise<void> {
    const { rows } = await this.db.query<{ id: number }>(
      "INSERT INTO job (job_type, state, hostname, pid) VALUES ('SchedulerJob', 'running', $1, $2) RETURNING id",
      [hostname(), process.pid],
    );
    this.jobId = Number(rows[0].id);
  }

  /**
   * Beats, unless another scheduler declared this one dead (it stalled past the health threshold) and adopted what it
   * had queued: then it registers again under a new job, rather than going on as a job everyone takes for dead.
   */
  private async heartbeat(): Promise<void> {
    const { rows } = await this.db.query("UPDATE job SET latest_heartbeat = now() WHERE id = $1 AND state = 'running' RETURNING id", [this.jobId]);
    schedulerObserved.heartbeat();
    if (rows.length) return;
    const old = this.jobId;
    await this.register();
    this.log(`Another scheduler declared this one (job ${old}) dead after it missed its heartbeats, and took over what it had queued; carrying on as job ${this.jobId}.`);
  }

  private async onRunFinished(tx: Queryable, run: DagRunRow, state: string, reason: string | null, now: Date): Promise<void> {
    this.wakeAt.delete(runKey(run.dag_id, run.run_id));
    this.runsChanged = true;
    const stored = await this.cache.get(tx, run.dag_id);
    if (!stored) return;
    const dag = stored.data;
    if ((state === "success" && dag.has_on_success_callback) || (state === "failed" && dag.has_on_failure_callback)) {
      await tx.query("INSERT INTO callback_request (dag_id, run_id, kind, reason) VALUES ($1, $2, $3, $4)", [run.dag_id, run.run_id, `dag_${state}`, reason]);
    }
    await refreshNextDagrun(tx, dag, now);
    schedulerObserved.runEnded(run, state, reason);
    emitDagRunEvent(this.db, state === "success" ? "COMPLETE" : "FAIL", run, reason);
    this.log(`DagRun ${run.run_id} of ${run.dag_id} finished: ${state}${state === "failed" && reason ? ` (${reason})` : ""}`, { dag_id: run.dag_id, run_id: run.run_id });
  }

  /**
   * The critical section, run when TIs may be waiting for it: this scheduler scheduled some, a runner slot came free,
   * or on the safety-net pass (another scheduler's TIs, pools resized).
   */
  private async queueTasks(full: boolean): Promise<boolean> {
    if (!this.scheduledPending && !full) return false;
    const queued = await this.db.transaction((tx) => this.criticalSection(tx));
    this.handToExecutor(queued);
    return queued.length > 0;
  }

  /** Queues what fits the executor's free slots. The caller hands the result to the executor once committed. */
  private async criticalSection(tx: Queryable): Promise<QueuedTi[]> {
    const slots = this.options.executor.slotsAvailable();
    if (slots <= 0) return []; // still pending: a runner that finishes frees a slot and wakes the loop
    this.scheduledPending = false;
    const queued = await queueScheduledTasks(tx, this.cache, this.jobId, slots);
    this.waitingForSlots = queued.length >= slots;
    return queued;
  }

  private handToExecutor(queued: readonly QueuedTi[]): void {
    for (const ti of queued) this.options.executor.queue(this.workload(ti));
  }


  private workload(ti: QueuedTi) {
    const { key, tryNumber } = ti;
    return {
      key,
      tryNumber,
      fileloc: ti.fileloc,
      queue: ti.queue,
      priorityWeight: ti.priorityWeight,
      token: issueToken(this.options.secret, { ...key, tryNumber }),
      apiUrl: this.options.apiUrl,
      logPath: logPathFor(this.options.home, key, tryNumber),
    };
  }

  /** A runner that died, or a try that ended without reporting, is failed (or retried) here. */
  private async onExecutorEvent(event: ExecutorEvent): Promise<void> {
    const { key, tryNumber } = event.workload;
    // A runner slot came free: what waited for one can be queued now.
    if (this.waitingForSlots && event.kind === "exited") {
      this.scheduledPending = true;
      this.wakeResolve?.();
    }
    if (event.kind !== "exited") return;
    // A runner that died leaves its try queued, running or restarting; a runner that stopped its try because the TI
    // was cleared (`restarting`) leaves it for us to move on: restarting always retries (Airflow's handle_failure).
    const stoppedAfterClear = event.ok && event.reason === "stopped";
    if (!event.ok || stoppedAfterClear) {
      const expected = stoppedAfterClear ? ["restarting"] : ["queued", "running", "restarting"];
      const why = stoppedAfterClear ? "it was cleared while running; its runner stopped it" : `The task's runner stopped before it reported: ${event.reason}`;
      try {
        const state = await this.db.transaction(async (tx) => {
          const task = (await this.cache.get(tx, key.dagId))?.data.tasks.find((t) => t.task_id === key.taskId);
          const run = (await tx.query<{ logical_date: Date }>("SELECT logical_date FROM dag_run WHERE dag_id = $1 AND run_id = $2", [key.dagId, key.runId])).rows[0];
          return run ? failTryExternally(tx, key, tryNumber, expected, task, run.logical_date, why) : null;
        });
        if (state) schedulerObserved.tryEnded(key, tryNumber, state, event.ok ? why : event.reason);
        if (state) this.log(`${key.dagId}.${key.taskId} try ${tryNumber}: ${event.ok ? why : event.reason}; now ${state}`, logIds(key, tryNumber));
        // A try that reported its end already woke the scheduler through the execution API.
        if (state || !event.ok) this.wake(runKey(key.dagId, key.runId));
      } catch (error) {
        this.log(`Could not record the end of ${key.dagId}.${key.taskId}: ${(error as Error).message}`);
      }
    }
  }

  /** Running (or restarting) TIs whose runner stopped heartbeating are failed or retried (Airflow's zombies). */
  private async failZombies(): Promise<void> {
    const { rows } = await this.db.query<{ dag_id: string; run_id: string; task_id: string; map_index: number; try_number: number; logical_date: Date }>(
      `SELECT ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number, r.logical_date
         FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
        WHERE ti.state IN ('running', 'restarting') AND ti.last_heartbeat_at < now() - make_interval(secs => $1)`,
      [this.zombieThresholdMs / 1000],
    );
    for (const zombie of rows) {
      const key: TiKey = { dagId: zombie.dag_id, runId: zombie.run_id, taskId: zombie.task_id, mapIndex: zombie.map_index };
      await this.db.transaction(async (tx) => {
        const task = (await this.cache.get(tx, key.dagId))?.data.tasks.find((t) => t.task_id === key.taskId);
        const state = await failTryExternally(tx, key, zombie.try_number, ["running", "restarting"], task, zombie.logical_date,
          `Detected as a zombie: its runner sent no heartbeat for ${this.zombieThresholdMs / 1000}s`);
        if (state) schedulerObserved.tryEnded(key, zombie.try_number, state, "zombie");
        if (state) this.log(`Zombie ${key.dagId}.${key.taskId} try ${zombie.try_number} → ${state}`, logIds(key, zombie.try_number));
      });
      this.wake(runKey(key.dagId, key.runId));
    }
  }

  /**
   * At start and then periodically (scheduler/adopt-orphans.ts): TIs queued by schedulers that are gone are scheduled
   * again. On the embedded database every other scheduler is dead by definition: only one process can open it.
   */
  private async adoptOrphans(atStart: boolean): Promise<void> {
    this.lastOrphanCheck = Date.now();
    const everyOtherIsDead = !this.db.capabilities.multiProcess;
    const { reset: rowCount, runs } = await adoptOrphanedTasks(this.db, this.jobId, { healthThresholdMs: this.healthThresholdMs, everyOtherIsDead });
    for (const run of runs) this.wake(runKey(run.dagId, run.runId));
    if (everyOtherIsDead && atStart) {
      // Nothing can still be running for a dead embedded process: zombie detection would wait its threshold for nothing.
      await this.db.query("UPDATE task_instance SET last_heartbeat_at = now() - interval '1 day' WHERE state = 'running'");
      this.lastZombieCheck = 0;
    }
    if (rowCount) this.log(`Adopted ${rowCount} task instance(s) queued by a scheduler that is gone; they will be scheduled again.`);
  }

  private async refreshChangedDags(now: Date): Promise<void> {
    const { rows } = await this.db.query<{ dag_id: string; dag_hash: string | null; is_paused: boolean; is_active: boolean; create_after: Date | null }>(
      "SELECT dag_id, dag_hash, is_paused, is_active, next_dagrun_create_after AS create_after FROM dag",
    );
    for (const row of rows) {
      const signature = `${row.dag_hash}|${row.is_paused}|${row.is_active}`;
      if (this.knownDags.get(row.dag_id) === signature) continue;
      this.knownDags.set(row.dag_id, signature);
      if (!row.dag_hash || !row.is_active) continue;
      this.cache.invalidate(row.dag_id);
      const stored = await this.cache.get(this.db, row.dag_id, row.dag_hash);
      if (stored) await this.db.transaction((tx) => refreshNextDagrun(tx, stored.data, now));
    }
  }
}

/** Airflow's default log layout: `logs/dag_id=…/run_id=…/task_id=…/[map_index=…/]attempt=N.log`. */
export function logPathFor(home: string, key: TiKey, tryNumber: number): string {
  const parts = [home, "logs", `dag_id=${key.dagId}`, `run_id=${key.runId}`, `task_id=${key.taskId}`];
  if (key.mapIndex >= 0) parts.push(`map_index=${key.mapIndex}`);
  return join(...parts, `attempt=${tryNumber}.log`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
