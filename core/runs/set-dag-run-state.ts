import type { Database } from "../store/database.ts";
import type { DagRunRow } from "../store/queries/dag-runs.ts";
import { recordEvent } from "../store/queries/event-log.ts";
import { finishRunTaskInstances, updateDagRunState } from "../store/queries/set-dag-run-state.ts";
import { RequestError } from "./request-error.ts";
import { requireDagRun } from "./require-dag.ts";

export const SETTABLE_DAG_RUN_STATES = ["success", "failed", "queued"] as const;
export type SettableDagRunState = (typeof SETTABLE_DAG_RUN_STATES)[number];

/**
 * Airflow's PATCH dagRun state (and the UI's "mark run success/failed", "queue up"), in one transaction:
 * success marks every TI not yet successful as success; failed fails the running TIs and skips the unfinished ones;
 * queued only requeues the run. Written to the event log. Returns the run after.
 */
export async function setDagRunState(db: Database, dagId: string, runId: string, state: SettableDagRunState, owner: string): Promise<DagRunRow> {
  if (!(SETTABLE_DAG_RUN_STATES as readonly string[]).includes(state)) {
    throw new RequestError(400, `A DAG run's state can be set to ${SETTABLE_DAG_RUN_STATES.join(", ")} only, not "${state}".`);
  }
  await requireDagRun(db, dagId, runId);
  return db.transaction(async (tx) => {
    const run = await updateDagRunState(tx, dagId, runId, state);
    if (!run) throw new RequestError(404, `DAG "${dagId}" has no run "${runId}" (it was deleted meanwhile).`);
    const changed = state === "queued" ? [] : await finishRunTaskInstances(tx, dagId, runId, state);
    await recordEvent(tx, { dagId, runId, event: `dag_run_${state}`, owner, extra: JSON.stringify({ task_instances_changed: changed.length }) });
    return run;
  });
}
