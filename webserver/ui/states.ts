import type { TaskState } from "../../core/types.ts";

/** Airflow's state colours (airflow/settings.py STATE_COLORS), so Airflow users read the grid at once. */
export const STATE_COLORS: Readonly<Record<string, string>> = Object.freeze({
  success: "#008000",
  running: "#00ff00",
  failed: "#ff0000",
  upstream_failed: "#ffa500",
  up_for_retry: "#ffd700",
  up_for_reschedule: "#40e0d0",
  queued: "#808080",
  scheduled: "#d2b48c",
  skipped: "#ff69b4",
  removed: "#d3d3d3",
  restarting: "#ee82ee",
  deferred: "#9370db",
});

/** The CSS class of a state (`state-none` for a TI with no state yet). */
export const stateClass = (state: string | null | undefined): string => `state-${state ?? "none"}`;

/**
 * The state a task group or a mapped task shows for a set of TIs, as Airflow's grid summarises them: the most urgent
 * one (a failure first, then anything still moving), success only when all succeeded.
 */
const PRIORITY: ReadonlyArray<TaskState> = [
  "failed", "upstream_failed", "up_for_retry", "up_for_reschedule", "queued", "scheduled", "deferred", "running",
  "restarting", null, "removed", "skipped", "success",
];

export function summaryState(states: Iterable<TaskState>): TaskState {
  const seen = new Set(states);
  if (seen.size === 0) return null;
  for (const state of PRIORITY) if (seen.has(state)) return state;
  return null;
}
