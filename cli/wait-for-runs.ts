import { setTimeout as sleep } from "node:timers/promises";
import { isoformat } from "../core/dates.ts";
import { FINISHED_DAG_RUN_STATES, type DagRunState } from "../core/types.ts";
import type { DagRunJson } from "../webserver/api/serializers.ts";
import { paint } from "./colors.ts";
import type { CliIO } from "./command.ts";
import type { StateClient } from "./state-client.ts";

// One list request a second: runs take seconds to minutes, and the poll shares the database with what it watches.
const POLL_MS = 1000;

/**
 * Waits until every run given has finished, printing each run as it ends and a progress line whenever the counts
 * change (as Airflow's backfill does). Returns the runs in their final state.
 */
export async function waitForRuns(client: StateClient, dagId: string, runs: readonly DagRunJson[], io: CliIO, pollMs = POLL_MS): Promise<DagRunJson[]> {
  const wanted = new Set(runs.map((r) => r.dag_run_id));
  const dates = runs.map((r) => new Date(r.logical_date!).getTime());
  const range = { logicalDateGte: new Date(Math.min(...dates)), logicalDateLte: new Date(Math.max(...dates)) };
  const finished = new Map<string, DagRunJson>();
  let lastProgress = "";
  for (;;) {
    const current = (await client.listDagRuns(dagId, range)).filter((r) => wanted.has(r.dag_run_id));
    const count = (state: DagRunState) => current.filter((r) => r.state === state).length;
    for (const run of current) {
      if (!FINISHED_DAG_RUN_STATES.has(run.state) || finished.has(run.dag_run_id)) continue;
      finished.set(run.dag_run_id, run);
      io.out(`${stamp()} DagRun ${run.dag_run_id}: ${paint(run.state, io.isTTY)}`);
    }
    const progress =
      `[backfill progress] | finished run ${finished.size} of ${wanted.size} | queued: ${count("queued")} | running: ${count("running")} ` +
      `| succeeded: ${count("success")} | failed: ${count("failed")}`;
    if (progress !== lastProgress) io.out(`${stamp()} ${progress}`);
    lastProgress = progress;
    // A run deleted meanwhile is gone for good: stop waiting for it rather than for ever.
    if (current.every((r) => finished.has(r.dag_run_id))) return current;
    await sleep(pollMs);
  }
}

const stamp = () => `[${isoformat(new Date()).slice(11, 19)}]`;
