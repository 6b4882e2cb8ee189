import type { Database } from "../store/database.ts";
import { recordEvent } from "../store/queries/event-log.ts";
import { selectTaskInstancesToMark, setTaskInstanceStates, type MarkFilter } from "../store/queries/mark-task-instances.ts";
import { withRelatives } from "./clear-task-instances.ts";
import { RequestError } from "./request-error.ts";
import { requireDag, requireDagRun, requireSerializedDag } from "./require-dag.ts";

export const MARKABLE_STATES = ["success", "failed", "skipped"] as const;
export type MarkableState = (typeof MARKABLE_STATES)[number];

export interface MarkRequest {
  dagId: string;
  runId: string;
  taskIds: string[];
  /** Only these map indexes of the tasks named (their relatives are taken whole); every index when absent. */
  mapIndexes?: number[];
  state: MarkableState;
  upstream: boolean;
  downstream: boolean;
  /** Also the runs with a later / earlier logical date than this run's. */
  future: boolean;
  past: boolean;
  dryRun: boolean;
  owner: string;
}

export type MarkedTaskInstance = { dag_id: string; run_id: string; task_id: string; map_index: number; state: string | null };

/**
 * Airflow's "mark success / failed / skipped" (`mark_tasks.set_state`, the UI's buttons and the REST API's
 * `updateTaskInstancesState`): the tasks named, with their upstream and/or downstream tasks, in this run and
 * optionally every earlier and/or later run, go to `state` in one transaction. TIs already in that state are left out.
 * A dry run only says which TIs would change. Returns those TIs, with the state they were found in on a dry run and
 * the new state otherwise. A running TI marked this way is stopped by its runner at the next heartbeat.
 */
export async function markTaskInstances(db: Database, request: MarkRequest): Promise<MarkedTaskInstance[]> {
  if (!(MARKABLE_STATES as readonly string[]).includes(request.state)) {
    throw new RequestError(400, `state must be one of ${MARKABLE_STATES.join(", ")}, not "${request.state}".`);
  }
  if (!request.taskIds.length) throw new RequestError(400, "Name at least one task to mark.");
  const { data: dag } = await requireSerializedDag(db, await requireDag(db, request.dagId));
  const run = await requireDagRun(db, request.dagId, request.runId);
  const named = new Set(request.taskIds);
  const taskIds = withRelatives(dag, request.taskIds, request.upstream, request.downstream);
  const pairs: Array<[string, number | null]> = taskIds.flatMap((taskId) =>
    named.has(taskId) && request.mapIndexes?.length ? request.mapIndexes.map((i): [string, number | null] => [taskId, i]) : [[taskId, null]],
  );
  const filter: MarkFilter = {
    taskIds: pairs.map(([t]) => t),
    mapIndexes: pairs.map(([, i]) => i),
    logicalDateGte: request.past ? null : run.logical_date,
    logicalDateLte: request.future ? null : run.logical_date,
    state: request.state,
  };
  if (request.dryRun) return selectTaskInstancesToMark(db, request.dagId, filter);
  return db.transaction(async (tx) => {
    const found = await selectTaskInstancesToMark(tx, request.dagId, filter, true);
    const changed = await setTaskInstanceStates(tx, request.dagId, found, request.state);
    if (changed.length) {
      await recordEvent(tx, {
        dagId: request.dagId, runId: request.runId, taskId: request.taskIds.join(","), event: `mark_${request.state}`, owner: request.owner,
        extra: JSON.stringify({ task_instances: changed.length, upstream: request.upstream, downstream: request.downstream, past: request.past, future: request.future }),
      });
    }
    return changed;
  });
}
