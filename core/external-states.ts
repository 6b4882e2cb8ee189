import type { ExternalStates } from "./deferral.ts";

export interface ExternalStateRules {
  allowedStates: readonly string[];
  failedStates: readonly string[];
  skippedStates: readonly string[];
}

export type ExternalVerdict = "success" | "failed" | "skipped" | "waiting";

/**
 * Airflow's ExternalTaskSensor poke / WorkflowTrigger step, on the targets' states: any target in a failed state →
 * failed; else any in a skipped state → skipped; else success when (targets in an allowed state ÷ tasks per date)
 * equals the number of dates.
 */
export function judgeExternalStates(found: ExternalStates, dates: number, rules: ExternalStateRules): ExternalVerdict {
  const count = (states: readonly string[]) => found.rows.filter((r) => r.state !== null && states.includes(r.state)).length / Math.max(1, found.tasksPerDate);
  if (rules.failedStates.length && count(rules.failedStates) > 0) return "failed";
  if (rules.skippedStates.length && count(rules.skippedStates) > 0) return "skipped";
  return count(rules.allowedStates) === dates ? "success" : "waiting";
}
