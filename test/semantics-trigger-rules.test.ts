import { describe, expect, it } from "vitest";
import {
  evaluateTriggerRule,
  InvalidTriggerRuleError,
  normalizeTriggerRule,
  type TriggerRuleOptions,
  type UpstreamCounts,
} from "../core/semantics/trigger-rule.ts";
import { ALL_TRIGGER_RULES, type TriggerRule } from "../core/types.ts";

type Outcome = "run" | "wait" | "skipped" | "upstream_failed" | "removed";
type Counts = Partial<Omit<UpstreamCounts, "total">> & { total: number };
type Case = [rule: TriggerRule, situation: string, counts: Counts, expected: Outcome, opts?: TriggerRuleOptions];

const up = (c: Counts): UpstreamCounts => ({ success: 0, skipped: 0, failed: 0, upstreamFailed: 0, removed: 0, ...c });

function outcome(rule: TriggerRule, counts: Counts, opts?: TriggerRuleOptions): Outcome {
  const decision = evaluateTriggerRule(rule, up(counts), opts);
  return decision.kind === "set_state" ? decision.state : decision.kind;
}

// Airflow 2.10 trigger_rule_dep.py, reference table 2.2. Three upstream tasks unless stated; "running" means not done yet.
const CASES: Case[] = [
  ["all_success", "all succeeded", { total: 3, success: 3 }, "run"],
  ["all_success", "2 succeeded, 1 running", { total: 3, success: 2 }, "wait"],
  ["all_success", "1 failed, 2 running (does not wait)", { total: 3, failed: 1 }, "upstream_failed"],
  ["all_success", "1 upstream_failed", { total: 3, success: 2, upstreamFailed: 1 }, "upstream_failed"],
  ["all_success", "failed and skipped: failure wins", { total: 3, failed: 1, skipped: 1 }, "upstream_failed"],
  ["all_success", "1 skipped, 2 running (does not wait)", { total: 3, skipped: 1 }, "skipped"],
  ["all_success", "all skipped", { total: 3, skipped: 3 }, "skipped"],
  ["all_success", "removed only, unmapped TI", { total: 2, removed: 2 }, "wait"],
  ["all_success", "removed only, mapped TI", { total: 2, removed: 2 }, "run", { mapIndex: 0 }],
  ["all_success", "2 succeeded 1 removed, unmapped TI", { total: 3, success: 2, removed: 1 }, "wait"],
  ["all_success", "2 succeeded 1 removed, map index 1 < 2", { total: 3, success: 2, removed: 1 }, "run", { mapIndex: 1 }],
  ["all_success", "2 succeeded 1 removed, map index 2 ≥ 2", { total: 3, success: 2, removed: 1 }, "removed", { mapIndex: 2 }],
  ["all_success", "1 succeeded 1 removed 1 running, map index 0", { total: 3, success: 1, removed: 1 }, "wait", { mapIndex: 0 }],
  ["all_success", "1 succeeded 1 removed 1 running, map index 1 (does not wait)", { total: 3, success: 1, removed: 1 }, "removed", { mapIndex: 1 }],

  ["all_failed", "all failed", { total: 3, failed: 3 }, "run"],
  ["all_failed", "failed and upstream_failed", { total: 3, failed: 2, upstreamFailed: 1 }, "run"],
  ["all_failed", "2 failed, 1 running", { total: 3, failed: 2 }, "wait"],
  ["all_failed", "1 succeeded, 2 running (does not wait)", { total: 3, success: 1 }, "skipped"],
  ["all_failed", "1 skipped, 2 failed", { total: 3, skipped: 1, failed: 2 }, "skipped"],
  ["all_failed", "all skipped", { total: 3, skipped: 3 }, "skipped"],
  ["all_failed", "removed only, unmapped TI", { total: 2, removed: 2 }, "wait"],
  ["all_failed", "removed only, mapped TI", { total: 2, removed: 2 }, "run", { mapIndex: 0 }],
  ["all_failed", "2 failed 1 removed, mapped TI", { total: 3, failed: 2, removed: 1 }, "run", { mapIndex: 5 }],
  ["all_failed", "2 failed 1 removed, unmapped TI", { total: 3, failed: 2, removed: 1 }, "wait"],

  ["all_done", "mixed, all done", { total: 3, success: 1, failed: 1, skipped: 1 }, "run"],
  ["all_done", "all failed", { total: 3, failed: 3 }, "run"],
  ["all_done", "all upstream_failed", { total: 3, upstreamFailed: 3 }, "run"],
  ["all_done", "all skipped", { total: 3, skipped: 3 }, "run"],
  ["all_done", "2 done, 1 running", { total: 3, success: 1, failed: 1 }, "wait"],
  ["all_done", "removed only", { total: 2, removed: 2 }, "run"],

  ["all_done_setup_success", "no setups, mixed, all done", { total: 3, success: 1, failed: 2 }, "run"],
  ["all_done_setup_success", "no setups, 1 running", { total: 3, success: 2 }, "wait"],
  ["all_done_setup_success", "setup succeeded, work failed", { total: 2, success: 1, failed: 1 }, "run", { setups: { total: 1, success: 1, skipped: 0 } }],
  ["all_done_setup_success", "1 of 2 setups succeeded", { total: 3, success: 1, failed: 2 }, "run", { setups: { total: 2, success: 1, skipped: 0 } }],
  ["all_done_setup_success", "setup failed, all done", { total: 2, failed: 1, upstreamFailed: 1 }, "upstream_failed", { setups: { total: 1, success: 0, skipped: 0 } }],
  ["all_done_setup_success", "one setup skipped, one failed", { total: 3, skipped: 2, failed: 1 }, "upstream_failed", { setups: { total: 2, success: 0, skipped: 1 } }],
  ["all_done_setup_success", "every setup skipped", { total: 3, skipped: 3 }, "skipped", { setups: { total: 2, success: 0, skipped: 2 } }],
  ["all_done_setup_success", "setup failed, work still running", { total: 2, failed: 1 }, "wait", { setups: { total: 1, success: 0, skipped: 0 } }],
  ["all_done_setup_success", "setups skipped, work still running", { total: 3, skipped: 2 }, "wait", { setups: { total: 2, success: 0, skipped: 2 } }],

  ["one_success", "1 succeeded, 2 running (does not wait)", { total: 3, success: 1 }, "run"],
  ["one_success", "1 succeeded, 2 failed", { total: 3, success: 1, failed: 2 }, "run"],
  ["one_success", "nothing done", { total: 3 }, "wait"],
  ["one_success", "1 failed, 2 running", { total: 3, failed: 1 }, "wait"],
  ["one_success", "all done, none succeeded", { total: 3, failed: 2, skipped: 1 }, "upstream_failed"],
  ["one_success", "all failed", { total: 3, failed: 3 }, "upstream_failed"],
  ["one_success", "all skipped", { total: 3, skipped: 3 }, "skipped"],
  ["one_success", "removed only", { total: 2, removed: 2 }, "upstream_failed"],
  ["one_success", "skipped and removed", { total: 2, skipped: 1, removed: 1 }, "upstream_failed"],

  ["one_failed", "1 failed, 2 running (does not wait)", { total: 3, failed: 1 }, "run"],
  ["one_failed", "1 upstream_failed, 2 running", { total: 3, upstreamFailed: 1 }, "run"],
  ["one_failed", "2 succeeded, 1 running", { total: 3, success: 2 }, "wait"],
  ["one_failed", "all succeeded", { total: 3, success: 3 }, "skipped"],
  ["one_failed", "all skipped", { total: 3, skipped: 3 }, "skipped"],
  ["one_failed", "removed only", { total: 2, removed: 2 }, "skipped"],

  ["one_done", "1 succeeded, 2 running", { total: 3, success: 1 }, "run"],
  ["one_done", "1 failed, 2 running", { total: 3, failed: 1 }, "run"],
  ["one_done", "1 upstream_failed, 2 running (does not count)", { total: 3, upstreamFailed: 1 }, "wait"],
  ["one_done", "nothing done", { total: 3 }, "wait"],
  ["one_done", "all upstream_failed", { total: 3, upstreamFailed: 3 }, "skipped"],
  ["one_done", "skipped and upstream_failed", { total: 3, skipped: 2, upstreamFailed: 1 }, "skipped"],
  ["one_done", "all skipped", { total: 3, skipped: 3 }, "skipped"],
  ["one_done", "removed only", { total: 2, removed: 2 }, "skipped"],

  ["none_failed", "all succeeded", { total: 3, success: 3 }, "run"],
  ["none_failed", "succeeded and skipped", { total: 3, success: 1, skipped: 2 }, "run"],
  ["none_failed", "all skipped (still runs)", { total: 3, skipped: 3 }, "run"],
  ["none_failed", "2 succeeded, 1 running", { total: 3, success: 2 }, "wait"],
  ["none_failed", "1 failed, 2 running (does not wait)", { total: 3, failed: 1 }, "upstream_failed"],
  ["none_failed", "1 upstream_failed", { total: 3, success: 2, upstreamFailed: 1 }, "upstream_failed"],
  ["none_failed", "removed only, unmapped TI", { total: 2, removed: 2 }, "wait"],
  ["none_failed", "removed only, mapped TI", { total: 2, removed: 2 }, "run", { mapIndex: 0 }],
  ["none_failed", "2 succeeded 1 removed, map index 2 (not marked removed)", { total: 3, success: 2, removed: 1 }, "run", { mapIndex: 2 }],

  ["none_failed_min_one_success", "succeeded and skipped", { total: 3, success: 1, skipped: 2 }, "run"],
  ["none_failed_min_one_success", "all succeeded", { total: 3, success: 3 }, "run"],
  ["none_failed_min_one_success", "2 skipped, 1 running", { total: 3, skipped: 2 }, "wait"],
  ["none_failed_min_one_success", "all skipped", { total: 3, skipped: 3 }, "skipped"],
  ["none_failed_min_one_success", "1 failed, 2 running (does not wait)", { total: 3, failed: 1 }, "upstream_failed"],
  ["none_failed_min_one_success", "failed and skipped: failure wins", { total: 3, failed: 1, skipped: 2 }, "upstream_failed"],
  ["none_failed_min_one_success", "removed only, unmapped TI", { total: 2, removed: 2 }, "wait"],
  ["none_failed_min_one_success", "removed only, mapped TI", { total: 2, removed: 2 }, "run", { mapIndex: 0 }],
  ["none_failed_min_one_success", "skipped and removed, mapped TI", { total: 2, skipped: 1, removed: 1 }, "run", { mapIndex: 0 }],

  ["none_skipped", "all succeeded", { total: 3, success: 3 }, "run"],
  ["none_skipped", "success, failed and upstream_failed (runs after failures)", { total: 3, success: 1, failed: 1, upstreamFailed: 1 }, "run"],
  ["none_skipped", "2 succeeded, 1 running", { total: 3, success: 2 }, "wait"],
  ["none_skipped", "1 skipped, 2 running (does not wait)", { total: 3, skipped: 1 }, "skipped"],
  ["none_skipped", "all skipped", { total: 3, skipped: 3 }, "skipped"],
  ["none_skipped", "removed only", { total: 2, removed: 2 }, "run"],

  ["all_skipped", "all skipped", { total: 3, skipped: 3 }, "run"],
  ["all_skipped", "2 skipped, 1 running", { total: 3, skipped: 2 }, "wait"],
  ["all_skipped", "1 succeeded, 2 running (does not wait)", { total: 3, success: 1 }, "skipped"],
  ["all_skipped", "1 failed", { total: 3, skipped: 2, failed: 1 }, "skipped"],
  ["all_skipped", "1 upstream_failed", { total: 3, skipped: 2, upstreamFailed: 1 }, "skipped"],
  ["all_skipped", "removed only, unmapped TI", { total: 2, removed: 2 }, "wait"],
  ["all_skipped", "removed only, mapped TI (no removed allowance)", { total: 2, removed: 2 }, "wait", { mapIndex: 0 }],

  ["always", "nothing done", { total: 3 }, "run"],
  ["always", "all failed", { total: 3, failed: 3 }, "run"],
  ["always", "all skipped", { total: 3, skipped: 3 }, "run"],
];

describe("trigger rules (Airflow 2.10 table 2.2)", () => {
  it.each(CASES)("%s, %s → %s", (rule, _situation, counts, expected, opts) => {
    expect(outcome(rule, counts, opts)).toBe(expected);
  });

  it.each(ALL_TRIGGER_RULES.map((rule) => [rule]))("%s runs a task with no upstream", (rule) => {
    expect(evaluateTriggerRule(rule, up({ total: 0 }))).toEqual({ kind: "run" });
  });

  it("covers every trigger rule and, for each, every outcome its column allows", () => {
    const seen = new Map<TriggerRule, Set<Outcome>>();
    for (const [rule, , counts, , opts] of CASES) {
      if (!seen.has(rule)) seen.set(rule, new Set());
      seen.get(rule)!.add(outcome(rule, counts, opts));
    }
    const sorted = (rule: TriggerRule) => [...(seen.get(rule) ?? [])].sort();
    expect(sorted("all_success")).toEqual(["removed", "run", "skipped", "upstream_failed", "wait"]);
    expect(sorted("all_failed")).toEqual(["run", "skipped", "wait"]);
    expect(sorted("all_done")).toEqual(["run", "wait"]);
    expect(sorted("all_done_setup_success")).toEqual(["run", "skipped", "upstream_failed", "wait"]);
    expect(sorted("one_success")).toEqual(["run", "skipped", "upstream_failed", "wait"]);
    expect(sorted("one_failed")).toEqual(["run", "skipped", "wait"]);
    expect(sorted("one_done")).toEqual(["run", "skipped", "wait"]);
    expect(sorted("none_failed")).toEqual(["run", "upstream_failed", "wait"]);
    expect(sorted("none_failed_min_one_success")).toEqual(["run", "skipped", "upstream_failed", "wait"]);
    expect(sorted("none_skipped")).toEqual(["run", "skipped", "wait"]);
    expect(sorted("all_skipped")).toEqual(["run", "skipped", "wait"]);
    expect(sorted("always")).toEqual(["run"]);
  });

  it("says why it set a state", () => {
    expect(evaluateTriggerRule("all_success", up({ total: 2, failed: 1 }))).toEqual({
      kind: "set_state",
      state: "upstream_failed",
      reason: "trigger rule all_success: 1 upstream task failed",
    });
    expect(evaluateTriggerRule("all_success", up({ total: 3, failed: 1, upstreamFailed: 1 }))).toMatchObject({
      reason: "trigger rule all_success: 2 upstream tasks failed",
    });
    expect(evaluateTriggerRule("none_skipped", up({ total: 3, skipped: 2 }))).toMatchObject({
      reason: "trigger rule none_skipped: 2 upstream tasks were skipped",
    });
    expect(evaluateTriggerRule("one_success", up({ total: 2, skipped: 2 }))).toMatchObject({
      reason: "trigger rule one_success: every upstream task was skipped",
    });
  });
});

describe("normalizeTriggerRule", () => {
  it.each(ALL_TRIGGER_RULES.map((rule) => [rule]))("accepts %s as is", (rule) => {
    expect(normalizeTriggerRule(rule)).toBe(rule);
  });

  it.each([
    ["dummy", "always"],
    ["none_failed_or_skipped", "none_failed_min_one_success"],
  ])("rewrites the deprecated %s to %s", (alias, rule) => {
    expect(normalizeTriggerRule(alias)).toBe(rule);
  });

  it.each([
    ["all_sucess", "all_success"],
    ["ALL_SUCCESS", "all_success"],
    ["one_sucess", "one_success"],
    ["none_failed_min_one_succes", "none_failed_min_one_success"],
  ])("rejects %s and suggests %s", (value, suggestion) => {
    const error = catchError(() => normalizeTriggerRule(value));
    expect(error).toBeInstanceOf(InvalidTriggerRuleError);
    expect((error as InvalidTriggerRuleError).code).toBe("INVALID_TRIGGER_RULE");
    expect(error.message).toContain(`"${value}"`);
    expect(error.message).toContain(`Did you mean "${suggestion}"?`);
    for (const rule of ALL_TRIGGER_RULES) expect(error.message).toContain(rule);
  });

  it("rejects names with no close match without a suggestion, and non-strings", () => {
    expect(catchError(() => normalizeTriggerRule("whenever")).message).not.toContain("Did you mean");
    expect(() => normalizeTriggerRule("")).toThrow(InvalidTriggerRuleError);
    expect(() => normalizeTriggerRule(undefined as unknown as string)).toThrow(InvalidTriggerRuleError);
    expect(() => normalizeTriggerRule("toString")).toThrow(InvalidTriggerRuleError);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
