import type { SerializedDag } from "../serialization.ts";
import type { Database } from "../store/database.ts";
import {
  clearTaskInstanceRows, requeueFinishedRuns, selectTaskInstancesToClear, type ClearFilter, type TiToClear,
} from "../store/queries/clear-task-instances.ts";
import { recordEvent } from "../store/queries/event-log.ts";
import { didYouMean } from "../suggest.ts";
import type { TaskState } from "../types.ts";
import { tisReachedByMarkers, type MarkedTis } from "./external-task-markers.ts";
import { RequestError } from "./request-error.ts";
import { requireDag, requireDagRun, requireSerializedDag } from "./require-dag.ts";

/** What to clear, as Airflow's ClearTaskInstances request (REST) and `tasks clear` (CLI) say it. */
export interface ClearRequest {
  /** Exact task ids; every task of the DAG when null. */
  taskIds: readonly string[] | null;
  includeUpstream: boolean;
  includeDownstream: boolean;
  /** Only this run (a run is its logical date, unique per DAG). Cannot be combined with a date range. */
  dagRunId?: string | null;
  /** Runs whose logical date lies in [startDate, endDate]. */
  startDate: Date | null;
  endDate: Date | null;
  onlyFailed: boolean;
  onlyRunning: boolean;
  /** Finished runs of the cleared TIs go back to `queued` (always, from the CLI; `reset_dag_runs` in the API). */
  resetDagRuns: boolean;
  /** Only say what would be cleared. */
  dryRun: boolean;
}

export interface ClearResult {
  /** The TIs cleared (or that would be, in a dry run), in the state they were found in. */
  taskInstances: TiToClear[];
  /** Runs moved back to `queued`. */
  requeuedRunIds: string[];
}

/**
 * Clears task instances so that they run again (Airflow's `DAG.clear` + `clear_task_instances`), in one transaction:
 * the TIs are locked, cleared guarded on the state they were found in, their finished runs requeued, and who did it
 * logged.
 */
export async function clearTaskInstances(db: Database, dagId: string, request: ClearRequest, owner: string): Promise<ClearResult> {
  if (request.onlyFailed && request.onlyRunning) throw new RequestError(400, "only_failed and only_running cannot both be set: choose one.");
  if (request.startDate && request.endDate && request.startDate > request.endDate) {
    throw new RequestError(400, `The end date ${request.endDate.toISOString()} is before the start date ${request.startDate.toISOString()}: swap them.`);
  }
  if (request.taskIds !== null && request.taskIds.length === 0) throw new RequestError(400, "task_ids must name at least one task.");
  if (request.dagRunId && (request.startDate || request.endDate)) throw new RequestError(400, "Give either dag_run_id or a date range, not both.");
  const { data: dag } = await requireSerializedDag(db, await requireDag(db, dagId));
  const runDate = request.dagRunId ? (await requireDagRun(db, dagId, request.dagRunId)).logical_date : null;
  const states: TaskState[] = [];
  if (request.onlyFailed) states.push("failed", "upstream_failed");
  if (request.onlyRunning) states.push("running");
  const filter: ClearFilter = {
    taskIds: request.taskIds === null ? null : withRelatives(dag, request.taskIds, request.includeUpstream, request.includeDownstream),
    startDate: runDate ?? request.startDate,
    endDate: runDate ?? request.endDate,
    states,
  };
  const downstreamOf = (d: SerializedDag, ids: string[]) => withRelatives(d, ids, false, true);
  if (request.dryRun) {
    const found = await selectTaskInstancesToClear(db, dagId, filter);
    const marked = request.includeDownstream ? await tisReachedByMarkers(db, dag, found, false, downstreamOf) : (new Map() as MarkedTis);
    return { taskInstances: [...found, ...[...marked.values()].flatMap((m) => m.tis)], requeuedRunIds: [] };
  }
  const retries = new Map(dag.tasks.map((t) => [t.task_id, t.retries]));
  return db.transaction(async (tx) => {
    const found = await selectTaskInstancesToClear(tx, dagId, filter, true);
    await clearTaskInstanceRows(tx, dagId, found, retries);
    const runIds = [...new Set(found.map((t) => t.run_id))];
    const requeuedRunIds = request.resetDagRuns ? await requeueFinishedRuns(tx, dagId, runIds) : [];
    if (found.length) await recordEvent(tx, { dagId, event: "clear", owner, extra: JSON.stringify({ task_instances: found.length, dag_runs: runIds }) });
    // Airflow: clearing with downstream follows ExternalTaskMarkers into the DAGs they name.
    const marked = request.includeDownstream ? await tisReachedByMarkers(tx, dag, found, true, downstreamOf) : (new Map() as MarkedTis);
    for (const [childDagId, child] of marked) {
      await clearTaskInstanceRows(tx, childDagId, child.tis, child.retries);
      const childRuns = [...new Set(child.tis.map((t) => t.run_id))];
      if (request.resetDagRuns) requeuedRunIds.push(...(await requeueFinishedRuns(tx, childDagId, childRuns)));
      await recordEvent(tx, { dagId: childDagId, event: "clear", owner, extra: JSON.stringify({ task_instances: child.tis.length, dag_runs: childRuns, via_marker_of: dagId }) });
    }
    return { taskInstances: [...found, ...[...marked.values()].flatMap((m) => m.tis)], requeuedRunIds };
  });
}

/** The tasks named, plus every task upstream and/or downstream of them (Airflow's `partial_subset`). 404 for an unknown id. */
export function withRelatives(dag: SerializedDag, taskIds: readonly string[], upstream: boolean, downstream: boolean): string[] {
  const byId = new Map(dag.tasks.map((t) => [t.task_id, t]));
  for (const id of taskIds) {
    if (!byId.has(id)) throw new RequestError(404, `DAG "${dag.dag_id}" has no task "${id}".${didYouMean(id, byId.keys())}`);
  }
  const chosen = new Set(taskIds);
  const closure = (next: (t: SerializedDag["tasks"][number]) => string[]) => {
    const seen = new Set<string>();
    const stack = [...taskIds];
    while (stack.length) {
      for (const relative of next(byId.get(stack.pop()!)!)) {
        if (seen.has(relative) || !byId.has(relative)) continue;
        seen.add(relative);
        chosen.add(relative);
        stack.push(relative);
      }
    }
  };
  if (upstream) closure((t) => t.upstream_task_ids);
  if (downstream) closure((t) => t.downstream_task_ids);
  return [...chosen];
}
