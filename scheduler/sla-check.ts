import type { Database } from "../core/store/database.ts";
import { isConnectionError } from "../core/store/errors.ts";
import { deserializeTimetable } from "../core/timetables/index.ts";
import type { DagCache } from "./dag-cache.ts";
import { insertSlaMisses, latestDoneRuns, requestSlaCallback } from "./sla-queries.ts";
import { missedSchedulePoints } from "./sla-points.ts";

/** Airflow checks SLAs at each parse of a DAG file (30 s by default, min_file_process_interval); so do we. */
const DEFAULT_INTERVAL_SEC = 30;
/** A handed-out sla_miss request not done after this long lost its runner (callbacks are abandoned after 60 s). */
const RESEND_AFTER_SEC = 120;

/**
 * Airflow 2's manage_slas, run by the scheduler every UPDRAFT_SLA_CHECK_INTERVAL_SEC: for each active, unpaused DAG
 * with a task `sla`, records the schedule points each such task missed (sla_miss, once per task and point even with
 * several schedulers), and when the DAG has an sla_miss_callback asks a runner to send the unnotified misses to it
 * (a `callback_request` of kind sla_miss, run by executor/run-sla-callbacks.ts). The scheduler never runs user code.
 */
export class SlaChecker {
  private last = 0;
  private readonly intervalMs: number;

  constructor(
    private readonly db: Database,
    private readonly cache: DagCache,
    private readonly log: (message: string) => void,
    intervalMs?: number,
  ) {
    this.intervalMs = intervalMs ?? Number(process.env.UPDRAFT_SLA_CHECK_INTERVAL_SEC ?? DEFAULT_INTERVAL_SEC) * 1000;
  }

  /** Returns how many new misses were recorded (0 when the check was not due). */
  async runIfDue(now = new Date()): Promise<number> {
    if (Date.now() - this.last < this.intervalMs) return 0;
    this.last = Date.now();
    return this.check(now);
  }

  async check(now = new Date()): Promise<number> {
    const { rows } = await this.db.query<{ dag_id: string }>("SELECT dag_id FROM dag WHERE is_active AND NOT is_paused AND dag_hash IS NOT NULL");
    let recorded = 0;
    for (const { dag_id: dagId } of rows) {
      try {
        recorded += await this.checkDag(dagId, now);
      } catch (error) {
        if (isConnectionError(error)) throw error;
        // One DAG's problem (a timetable that cannot step) must not stop the others' checks.
        this.log(`Could not check the SLAs of ${dagId}: ${(error as Error).message}`);
      }
    }
    return recorded;
  }

  private async checkDag(dagId: string, now: Date): Promise<number> {
    const stored = await this.cache.get(this.db, dagId);
    const slas = new Map((stored?.data.tasks ?? []).filter((t) => t.sla !== null && t.sla !== undefined).map((t) => [t.task_id, t.sla as number]));
    if (!stored || !slas.size) return 0;
    const timetable = deserializeTimetable(stored.data.timetable);
    const taskIds: string[] = [];
    const dates: Date[] = [];
    for (const done of await latestDoneRuns(this.db, dagId, [...slas.keys()])) {
      const interval = { start: done.data_interval_start ?? done.logical_date, end: done.data_interval_end ?? done.logical_date };
      for (const point of missedSchedulePoints(timetable, interval, slas.get(done.task_id)!, now)) {
        taskIds.push(done.task_id);
        dates.push(point);
      }
    }
    const added = await insertSlaMisses(this.db, dagId, taskIds, dates, now);
    if (added) this.log(`${added} new SLA miss(es) in ${dagId}`);
    if (stored.data.has_sla_miss_callback) await this.db.transaction((tx) => requestSlaCallback(tx, dagId, RESEND_AFTER_SEC));
    return added;
  }
}
