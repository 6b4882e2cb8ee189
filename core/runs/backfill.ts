import { isoformat } from "../dates.ts";
import type { SerializedDag } from "../serialization.ts";
import type { Database } from "../store/database.ts";
import { listDagRuns, type DagRunRow } from "../store/queries/dag-runs.ts";
import { recordEvent } from "../store/queries/event-log.ts";
import { deserializeTimetable, type DagRunInfo } from "../timetables/index.ts";
import { clearTaskInstances } from "./clear-task-instances.ts";
import { createDagRun } from "./create-dag-run.ts";
import { RequestError } from "./request-error.ts";
import { requireDag, requireSerializedDag } from "./require-dag.ts";

/**
 * What to do with intervals that already have a run (Airflow 3's names for Airflow 2's backfill flags):
 * `none` skips them, `failed` re-runs their failed tasks (`--rerun-failed-tasks`), `completed` clears and re-runs
 * them entirely (`--reset-dagruns`).
 */
export const REPROCESS_BEHAVIORS = ["none", "failed", "completed"] as const;
export type ReprocessBehavior = (typeof REPROCESS_BEHAVIORS)[number];

export interface BackfillRequest {
  fromDate: Date;
  toDate: Date;
  reprocess: ReprocessBehavior;
}

export interface BackfillResult {
  /** Runs created for intervals that had none. */
  created: DagRunRow[];
  /** Existing runs cleared to run again (reprocess `failed` or `completed`). */
  rerun: DagRunRow[];
  /** Existing runs left as they are. */
  skipped: DagRunRow[];
}

/** A backfill of more intervals than this is almost certainly a mistyped date. */
export const MAX_BACKFILL_RUNS = 10_000;

/**
 * Airflow's `dags backfill`: a `backfill__<logical date>` run (run_type backfill) for every interval of the DAG's
 * timetable whose logical date lies in [fromDate, toDate], except those that already have a run. The runs are created
 * `queued`; the scheduler starts them within max_active_runs, even while the DAG is paused as Airflow does (but their
 * TIs are queued only once scheduler/queue-tasks.ts also lets backfill runs of paused DAGs through: docs/roadmap.md).
 */
export async function backfillDag(db: Database, dagId: string, request: BackfillRequest, owner: string): Promise<BackfillResult> {
  if (request.fromDate > request.toDate) {
    throw new RequestError(400, `The end date ${isoformat(request.toDate)} is before the start date ${isoformat(request.fromDate)}: swap them.`);
  }
  const stored = await requireSerializedDag(db, await requireDag(db, dagId), { forNewRuns: true });
  const intervals = backfillIntervals(stored.data, request.fromDate, request.toDate);
  const inRange = { logicalDateGte: request.fromDate, logicalDateLte: request.toDate, limit: MAX_BACKFILL_RUNS };
  const existing = (await listDagRuns(db, dagId, inRange)).runs;

  let rerunIds = new Set<string>();
  if (request.reprocess !== "none" && existing.length) {
    const cleared = await clearTaskInstances(db, dagId, {
      taskIds: null, includeUpstream: false, includeDownstream: false,
      startDate: request.fromDate, endDate: request.toDate, onlyFailed: request.reprocess === "failed", onlyRunning: false,
      resetDagRuns: true, dryRun: false,
    }, owner);
    rerunIds = new Set(cleared.taskInstances.map((t) => t.run_id));
  }
  const created = await db.transaction(async (tx) => {
    const runs: DagRunRow[] = [];
    for (const info of intervals) {
      const run = await createDagRun(tx, stored.data, stored.dagHash, {
        runType: "backfill",
        logicalDate: info.logicalDate,
        dataIntervalStart: info.dataInterval.start,
        dataIntervalEnd: info.dataInterval.end,
        externalTrigger: false,
      });
      if (run) runs.push(run);
    }
    const extra = { from_date: isoformat(request.fromDate), to_date: isoformat(request.toDate), reprocess_behavior: request.reprocess, created: runs.length };
    await recordEvent(tx, { dagId, event: "backfill", owner, extra: JSON.stringify(extra) });
    return runs;
  });
  const after = rerunIds.size ? (await listDagRuns(db, dagId, inRange)).runs : existing;
  const createdIds = new Set(created.map((r) => r.run_id));
  return {
    created,
    rerun: after.filter((r) => rerunIds.has(r.run_id)),
    skipped: after.filter((r) => !rerunIds.has(r.run_id) && !createdIds.has(r.run_id)),
  };
}

/** The timetable's intervals whose logical date lies in [from, to] (Airflow's `DAG.iter_dagrun_infos_between`). */
export function backfillIntervals(dag: SerializedDag, from: Date, to: Date): DagRunInfo[] {
  const timetable = deserializeTimetable(dag.timetable);
  const restriction = { earliest: from, latest: to, catchup: true };
  const infos: DagRunInfo[] = [];
  let info = timetable.nextDagrunInfo({ lastAutomatedDataInterval: null, restriction, now: to });
  while (info && info.logicalDate <= to) {
    if (infos.length >= MAX_BACKFILL_RUNS) {
      throw new RequestError(400, `More than ${MAX_BACKFILL_RUNS} intervals of DAG "${dag.dag_id}" lie between ${isoformat(from)} and ${isoformat(to)}: backfill a shorter range at a time.`);
    }
    const previous = infos.at(-1);
    // A timetable that does not move forward (a zero-length interval) would loop for ever.
    if (previous && info.logicalDate <= previous.logicalDate) break;
    infos.push(info);
    info = timetable.nextDagrunInfo({ lastAutomatedDataInterval: info.dataInterval, restriction, now: to });
  }
  return infos;
}
