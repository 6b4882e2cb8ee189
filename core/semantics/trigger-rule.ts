import { UpdraftError } from "../errors.ts";
import { didYouMean } from "../suggest.ts";
import { ALL_TRIGGER_RULES, TRIGGER_RULE_ALIASES, type TriggerRule } from "../types.ts";

/**
 * Finished direct-upstream TIs of the TI being evaluated, counted by state, and `total`, the number of upstream TIs
 * (the number of upstream tasks when none is mapped). Unfinished upstreams appear only in `total`.
 */
export interface UpstreamCounts {
  total: number;
  success: number;
  skipped: number;
  failed: number;
  upstreamFailed: number;
  removed: number;
}

export type TriggerRuleDecision =
  | { kind: "run" }
  | { kind: "wait" }
  | { kind: "set_state"; state: "skipped" | "upstream_failed" | "removed"; reason: string };

export interface TriggerRuleOptions {
  /** Map index of the TI being evaluated; -1 (the default) when it is not a mapped TI. */
  mapIndex?: number;
  /** Direct upstream setup TIs (`total`) and how many of them ended success / skipped; for `all_done_setup_success`. */
  setups?: { total: number; success: number; skipped: number };
}

const RUN: TriggerRuleDecision = Object.freeze({ kind: "run" });
const WAIT: TriggerRuleDecision = Object.freeze({ kind: "wait" });

/**
 * Airflow 2.10's TriggerRuleDep as the scheduler runs it (`flag_upstream_failed=True`): the state-setting checks come
 * first, then the "may run" check. The state-setting checks fire as soon as the counts allow, even while other
 * upstreams are still running. Callers honouring `wait_for_past_depends_before_skipping` turn a `skipped` decision into
 * waiting until the depends_on_past check has passed.
 */
export function evaluateTriggerRule(
  rule: TriggerRule,
  counts: UpstreamCounts,
  opts: TriggerRuleOptions = {},
): TriggerRuleDecision {
  if (counts.total === 0 || rule === "always") return RUN;

  const { total, success, skipped, failed, upstreamFailed, removed } = counts;
  const done = success + skipped + failed + upstreamFailed + removed;
  const allDone = done >= total;
  const failures = failed + upstreamFailed;
  const mapIndex = opts.mapIndex ?? -1;
  // For a mapped TI, removed upstream TIs are map indexes that no longer exist, so they do not hold it back.
  const notBlocking = mapIndex >= 0 ? removed : 0;
  const decide = (state: "skipped" | "upstream_failed" | "removed", detail: string): TriggerRuleDecision => ({
    kind: "set_state",
    state,
    reason: `trigger rule ${rule}: ${detail}`,
  });
  const runIf = (ok: boolean): TriggerRuleDecision => (ok ? RUN : WAIT);

  switch (rule) {
    case "all_success":
      if (failures > 0) return decide("upstream_failed", `${upstreamTasks(failures)} failed`);
      if (skipped > 0) return decide("skipped", `${upstreamTasks(skipped)} ${was(skipped)} skipped`);
      if (removed > 0 && success > 0 && mapIndex >= 0 && mapIndex >= success) {
        return decide("removed", `map index ${mapIndex} is beyond the ${success} successful upstream task instances`);
      }
      return runIf(total - success - notBlocking <= 0);
    case "all_failed":
      if (success + skipped > 0) {
        return decide("skipped", `${upstreamTasks(success + skipped)} succeeded or ${was(success + skipped)} skipped`);
      }
      return runIf(total - failures - notBlocking <= 0);
    case "all_done":
      return runIf(allDone);
    case "all_done_setup_success": {
      const setups = opts.setups ?? { total: 0, success: 0, skipped: 0 };
      if (allDone && setups.total > 0 && setups.skipped >= setups.total) {
        return decide("skipped", "every upstream setup task was skipped");
      }
      if (allDone && setups.total > 0 && setups.success === 0) {
        return decide("upstream_failed", "no upstream setup task succeeded");
      }
      return runIf(allDone && (setups.total === 0 || setups.success > 0));
    }
    case "one_success":
      if (allDone && done === skipped) return decide("skipped", "every upstream task was skipped");
      if (allDone && success <= 0) return decide("upstream_failed", "every upstream task is done and none succeeded");
      return runIf(success > 0);
    case "one_failed":
      if (allDone && failures === 0) return decide("skipped", "every upstream task is done and none failed");
      return runIf(failures > 0);
    case "one_done":
      // upstream_failed does not count as "done" here, as in Airflow.
      if (allDone && success + failed === 0) {
        return decide("skipped", "every upstream task is done and none succeeded or failed");
      }
      return runIf(success + failed > 0);
    case "none_failed":
      if (failures > 0) return decide("upstream_failed", `${upstreamTasks(failures)} failed`);
      return runIf(total - success - skipped - notBlocking <= 0);
    case "none_failed_min_one_success":
      if (failures > 0) return decide("upstream_failed", `${upstreamTasks(failures)} failed`);
      if (skipped === total) return decide("skipped", "every upstream task was skipped");
      return runIf(total - success - skipped - notBlocking <= 0);
    case "none_skipped":
      if (skipped > 0) return decide("skipped", `${upstreamTasks(skipped)} ${was(skipped)} skipped`);
      return runIf(allDone);
    case "all_skipped": {
      const notSkipped = success + failures;
      if (notSkipped > 0) return decide("skipped", `${upstreamTasks(notSkipped)} did not skip`);
      return runIf(total - skipped <= 0);
    }
    default: {
      const unknown: never = rule;
      throw new InvalidTriggerRuleError(unknown);
    }
  }
}

function upstreamTasks(n: number): string {
  return n === 1 ? "1 upstream task" : `${n} upstream tasks`;
}

function was(n: number): string {
  return n === 1 ? "was" : "were";
}

/** A trigger rule Airflow would reject at DAG parse. */
export class InvalidTriggerRuleError extends UpdraftError {
  readonly value: unknown;
  constructor(value: unknown) {
    const shown = typeof value === "string" ? `"${value}"` : String(JSON.stringify(value) ?? value);
    const hint = typeof value === "string" ? didYouMean(value, ALL_TRIGGER_RULES) : "";
    super("INVALID_TRIGGER_RULE", `Unknown trigger rule ${shown}.${hint} Valid trigger rules: ${ALL_TRIGGER_RULES.join(", ")}.`);
    this.value = value;
  }
}

const VALID_TRIGGER_RULES: ReadonlySet<string> = new Set(ALL_TRIGGER_RULES);

/** Rewrites Airflow's deprecated spellings (`dummy`, `none_failed_or_skipped`); rejects anything else unknown. */
export function normalizeTriggerRule(value: string): TriggerRule {
  if (typeof value === "string") {
    if (VALID_TRIGGER_RULES.has(value)) return value as TriggerRule;
    if (Object.hasOwn(TRIGGER_RULE_ALIASES, value)) return TRIGGER_RULE_ALIASES[value];
  }
  throw new InvalidTriggerRuleError(value);
}
