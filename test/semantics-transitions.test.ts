import { describe, expect, it } from "vitest";
import {
  ALLOWED_DAG_RUN_TRANSITIONS,
  ALLOWED_TASK_TRANSITIONS,
  canTransition,
  canTransitionDagRun,
} from "../core/semantics/transitions.ts";
import type { DagRunState, TaskState } from "../core/types.ts";

describe("TaskInstance transitions (Airflow 2.10, reference §1.3)", () => {
  it.each<[TaskState, TaskState, string]>([
    [null, "scheduled", "scheduler: dependencies met"],
    ["up_for_retry", "scheduled", "scheduler: retry time reached"],
    ["up_for_reschedule", "scheduled", "scheduler: reschedule time reached"],
    [null, "success", "EmptyOperator never reaches an executor"],
    [null, "deferred", "start_from_trigger"],
    [null, "upstream_failed", "trigger rule"],
    [null, "skipped", "trigger rule or branch"],
    [null, "removed", "map index beyond the expansion"],
    ["up_for_retry", "upstream_failed", "trigger rule re-evaluated for a retrying TI"],
    ["scheduled", "queued", "critical section"],
    ["scheduled", "running", "in-process test runner"],
    ["queued", "running", "runner starts the try"],
    ["queued", null, "limits hit at start, or orphan reset"],
    ["queued", "up_for_retry", "killed externally while queued"],
    ["queued", "failed", "stuck in queued"],
    ["running", "success", "try outcome"],
    ["running", "skipped", "try outcome"],
    ["running", "failed", "try outcome or zombie"],
    ["running", "up_for_retry", "try outcome or zombie"],
    ["running", "up_for_reschedule", "reschedule-mode sensor"],
    ["running", "deferred", "operator deferred"],
    ["running", "restarting", "cleared while running"],
    ["running", null, "orphan reset"],
    ["restarting", "up_for_retry", "runner killed after clear"],
    ["deferred", "scheduled", "trigger fired"],
    ["deferred", "success", "trigger finished the task"],
    ["deferred", "failed", "run set failed"],
    ["up_for_reschedule", "failed", "run set failed"],
    ["scheduled", "skipped", "dagrun_timeout"],
    ["success", null, "clear"],
    ["failed", null, "clear"],
    ["skipped", null, "clear"],
    ["upstream_failed", null, "clear"],
    ["removed", null, "task came back / clear"],
    ["up_for_retry", null, "clear"],
    ["success", "failed", "user marks failed"],
    ["failed", "success", "user marks success"],
    ["upstream_failed", "success", "user marks success"],
    ["success", "skipped", "user marks skipped (REST)"],
    ["success", "removed", "task left the DAG"],
  ])("%s → %s is allowed (%s)", (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each<[TaskState, TaskState]>([
    [null, null],
    ["success", "success"],
    [null, "queued"],
    [null, "running"],
    [null, "up_for_retry"],
    [null, "restarting"],
    ["scheduled", "up_for_retry"],
    ["scheduled", "deferred"],
    ["queued", "scheduled"],
    ["up_for_retry", "running"],
    ["up_for_retry", "queued"],
    ["up_for_reschedule", "running"],
    ["deferred", "running"],
    ["deferred", "queued"],
    ["running", "scheduled"],
    ["running", "queued"],
    ["restarting", "running"],
    ["restarting", "scheduled"],
    ["success", "running"],
    ["success", "scheduled"],
    ["failed", "up_for_retry"],
    ["failed", "scheduled"],
    ["skipped", "queued"],
    ["upstream_failed", "scheduled"],
    ["removed", "scheduled"],
    ["removed", "running"],
  ])("%s → %s is not a transition", (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it("has an entry for every state, with 'none' for null", () => {
    expect(Object.keys(ALLOWED_TASK_TRANSITIONS).sort()).toEqual(
      [
        "none", "scheduled", "queued", "running", "restarting", "up_for_retry", "up_for_reschedule", "deferred",
        "success", "skipped", "failed", "upstream_failed", "removed",
      ].sort(),
    );
    expect(ALLOWED_TASK_TRANSITIONS.none).toEqual([
      "scheduled", "deferred", "success", "skipped", "failed", "upstream_failed", "removed",
    ]);
    expect(ALLOWED_TASK_TRANSITIONS.queued).toEqual(["none", "running", "up_for_retry", "success", "skipped", "failed", "removed"]);
    expect(Object.isFrozen(ALLOWED_TASK_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(ALLOWED_TASK_TRANSITIONS.none)).toBe(true);
  });
});

describe("DagRun transitions (Airflow 2.10)", () => {
  it.each<[DagRunState, DagRunState, boolean]>([
    ["queued", "running", true],
    ["running", "success", true],
    ["running", "failed", true],
    ["success", "queued", true],
    ["failed", "queued", true],
    ["queued", "success", true],
    ["queued", "failed", true],
    ["running", "queued", true],
    ["success", "failed", true],
    ["failed", "success", true],
    ["success", "running", false],
    ["failed", "running", false],
    ["running", "running", false],
    ["queued", "queued", false],
  ])("%s → %s: %s", (from, to, allowed) => {
    expect(canTransitionDagRun(from, to)).toBe(allowed);
  });

  it("lists targets per state", () => {
    expect(ALLOWED_DAG_RUN_TRANSITIONS).toEqual({
      queued: ["running", "success", "failed"],
      running: ["queued", "success", "failed"],
      success: ["queued", "failed"],
      failed: ["queued", "success"],
    });
  });
});
