import { hostname } from "node:os";
import { deserializeTrigger, FAIL_METHOD, TaskEndEvent, type TriggerEnv } from "../core/deferral.ts";
import type { Database } from "../core/store/database.ts";
import { isConnectionError } from "../core/store/errors.ts";
import { dagRunStates, externalStates } from "../core/store/queries/external-states.ts";
import { claimTriggers, deleteUnusedTriggers, endFromTrigger, ownedTriggerIds, resumeFromTrigger, type TriggerRow } from "../core/store/queries/triggers.ts";
import type { JsonObject } from "../core/types.ts";
import { SCHEDULER_CHANNEL } from "../scheduler/scheduler.ts";
import "../triggers/registry.ts";

export interface TriggererOptions {
  /** Most triggers run at once by this triggerer (Airflow's `triggerer.default_capacity`, 1000; UPDRAFT_TRIGGERER_CAPACITY). */
  capacity?: number;
  /** How often new triggers are claimed and removed ones cancelled. Default 1 s (UPDRAFT_TRIGGERER_POLL_INTERVAL_MS). */
  pollIntervalMs?: number;
  /** A triggerer silent this long is dead: its triggers are taken over. Default 30 s (UPDRAFT_TRIGGERER_HEALTH_CHECK_THRESHOLD_SEC). */
  healthThresholdMs?: number;
  /** How often this triggerer's job row heartbeats. Default 5 s. */
  heartbeatMs?: number;
  log?: (message: string) => void;
}

interface RunningTrigger {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * The triggerer (Airflow's TriggererJob): claims triggers from the `trigger` table (SKIP LOCKED, up to its capacity,
 * including those of triggerers that stopped heartbeating), runs them all as async iterators in this one event loop,
 * and on a trigger's first event puts its deferred TI back to `scheduled` with the event and wakes the schedulers
 * (NOTIFY). A trigger whose TI was cleared or marked is deleted (clean-up) and cancelled here.
 */
export class Triggerer {
  private jobId = 0;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeLoop: (() => void) | undefined;
  private lastHeartbeat = 0;
  private readonly triggers = new Map<number, RunningTrigger>();
  private readonly capacity: number;
  private readonly pollIntervalMs: number;
  private readonly healthThresholdMs: number;
  private readonly heartbeatMs: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly db: Database,
    options: TriggererOptions = {},
  ) {
    this.capacity = options.capacity ?? Number(process.env.UPDRAFT_TRIGGERER_CAPACITY ?? 1000);
    this.pollIntervalMs = options.pollIntervalMs ?? Number(process.env.UPDRAFT_TRIGGERER_POLL_INTERVAL_MS ?? 1000);
    this.healthThresholdMs = options.healthThresholdMs ?? Number(process.env.UPDRAFT_TRIGGERER_HEALTH_CHECK_THRESHOLD_SEC ?? 30) * 1000;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.log = options.log ?? ((m) => console.log(`[triggerer] ${m}`));
  }

  get id(): number {
    return this.jobId;
  }

  /** How many triggers this triggerer is running now. */
  get runningCount(): number {
    return this.triggers.size;
  }

  async start(): Promise<void> {
    const { rows } = await this.db.query<{ id: string }>(
      "INSERT INTO job (job_type, state, hostname, pid) VALUES ('TriggererJob', 'running', $1, $2) RETURNING id",
      [hostname(), process.pid],
    );
    this.jobId = Number(rows[0].id);
    this.lastHeartbeat = Date.now();
    this.running = true;
    this.loopDone = this.loop();
    this.log(`Triggerer job ${this.jobId} started (capacity ${this.capacity}).`);
  }

  /** Cancels the running triggers and hands them back (unclaimed), so another triggerer takes them at once. */
  async stop(): Promise<void> {
    await this.halt();
    await this.db.query("UPDATE trigger SET triggerer_id = NULL WHERE triggerer_id = $1", [this.jobId]).catch(() => {});
    await this.db.query("UPDATE job SET state = 'success', end_date = now() WHERE id = $1", [this.jobId]).catch(() => {});
  }

  /** Stops at once without telling anyone, as a crashed triggerer would (tests): others take over after the threshold. */
  async halt(): Promise<void> {
    this.running = false;
    this.wakeLoop?.();
    await this.loopDone;
    for (const t of this.triggers.values()) t.abort.abort();
    await Promise.all([...this.triggers.values()].map((t) => t.done));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.loopOnce();
      } catch (error) {
        this.log(isConnectionError(error) ? `Lost the database (${(error as Error).message}); retrying.` : `Triggerer loop error: ${(error as Error).stack ?? error}`);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        this.wakeLoop = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** One pass: heartbeat, clean up unused triggers, cancel those no longer ours, claim new ones up to capacity. */
  async loopOnce(): Promise<void> {
    if (Date.now() - this.lastHeartbeat >= this.heartbeatMs) {
      this.lastHeartbeat = Date.now();
      const { rows } = await this.db.query("UPDATE job SET latest_heartbeat = now() WHERE id = $1 AND state = 'running' RETURNING id", [this.jobId]);
      if (!rows.length) await this.db.query("UPDATE job SET state = 'running', latest_heartbeat = now() WHERE id = $1", [this.jobId]);
    }
    await deleteUnusedTriggers(this.db);
    const owned = await ownedTriggerIds(this.db, this.jobId);
    for (const [id, t] of this.triggers) if (!owned.has(id)) t.abort.abort();
    const claimed = await claimTriggers(this.db, this.jobId, this.capacity - this.triggers.size, this.healthThresholdMs / 1000);
    for (const row of claimed) if (!this.triggers.has(row.id)) this.runTrigger(row);
  }

  private runTrigger(row: TriggerRow): void {
    const abort = new AbortController();
    const env: TriggerEnv = {
      signal: abort.signal,
      log: (m) => this.log(`trigger ${row.id} (${row.classpath}): ${m}`),
      externalStates: (query) => externalStates(this.db, query),
      dagRunStates: (dagId, runIds) => dagRunStates(this.db, dagId, runIds),
    };
    const done = (async () => {
      try {
        const trigger = deserializeTrigger(row.classpath, row.kwargs);
        for await (const event of trigger.run(env)) {
          if (abort.signal.aborted) return;
          if (event instanceof TaskEndEvent) await this.wake(await endFromTrigger(this.db, row.id, event.taskInstanceState));
          else await this.resume(row.id, { event: event.payload });
          return;
        }
        if (!abort.signal.aborted) await this.resume(row.id, { error: "Trigger exited without sending an event" }, FAIL_METHOD);
      } catch (error) {
        if (abort.signal.aborted) return;
        this.log(`trigger ${row.id} (${row.classpath}) failed: ${(error as Error).message}`);
        await this.resume(row.id, { error: (error as Error).message, traceback: (error as Error).stack ?? null }, FAIL_METHOD).catch(() => {});
      } finally {
        this.triggers.delete(row.id);
      }
    })();
    this.triggers.set(row.id, { abort, done });
  }

  private async resume(triggerId: number, patch: JsonObject, nextMethod: string | null = null): Promise<void> {
    await this.wake(await resumeFromTrigger(this.db, triggerId, patch, nextMethod));
  }

  /** An empty payload asks every scheduler for a full pass: resumed TIs are `scheduled`, ended ones free their downstream. */
  private async wake(runs: readonly unknown[]): Promise<void> {
    if (runs.length) await this.db.notify(SCHEDULER_CHANNEL, "").catch(() => {});
  }
}
