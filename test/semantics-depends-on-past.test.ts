import { describe, expect, it } from "vitest";
import { decidePastDepends, type PastDependentTask, type PreviousRunFacts } from "../core/semantics/depends-on-past.ts";
import type { TaskState } from "../core/types.ts";

// DAG: work >> [check, report]; the run being planned is on 2024-01-10, the previous one on 2024-01-09.
const WORK: PastDependentTask = {
  task_id: "work",
  depends_on_past: true,
  wait_for_downstream: false,
  ignore_first_depends_on_past: true,
  start_date: null,
  downstream_task_ids: ["check", "report"],
};
const NO_CATCHUP = { catchup: false, startDate: new Date("2024-01-01T00:00:00Z") };
const CATCHUP = { ...NO_CATCHUP, catchup: true };

/** The previous run's TIs by task (one state per map index), counted as the query counts them. */
function previous(tis: Record<string, TaskState[]>, ranBefore: string[] = [], logicalDate = "2024-01-09"): PreviousRunFacts {
  const counted = Object.entries(tis).map(([taskId, states]) => [
    taskId,
    { total: states.length, unsuccessful: states.filter((s) => s !== "success" && s !== "skipped").length },
  ] as const);
  return { logicalDate: new Date(`${logicalDate}T00:00:00Z`), tis: new Map(counted), ranBefore: new Set(ranBefore) };
}

type Case = [string, boolean, Partial<PastDependentTask>, PreviousRunFacts | null, typeof NO_CATCHUP];

describe("decidePastDepends (Airflow 2.10 PrevDagrunDep)", () => {
  it.each<Case>([
    ["depends_on_past unset: the previous run is not looked at", true, { depends_on_past: false }, previous({ work: ["failed"] }), NO_CATCHUP],
    ["no previous run (the first run)", true, {}, null, NO_CATCHUP],
    ["previous TI succeeded", true, {}, previous({ work: ["success"] }), NO_CATCHUP],
    ["previous TI skipped", true, {}, previous({ work: ["skipped"] }), NO_CATCHUP],
    ...(["failed", "upstream_failed", null, "scheduled", "queued", "running", "up_for_retry", "up_for_reschedule", "deferred", "removed", "restarting"] as TaskState[])
      .map((state): Case => [`previous TI ${state ?? "without state"}`, false, {}, previous({ work: [state] }), NO_CATCHUP]),
    ["mapped: every map index of the previous run succeeded or skipped", true, {}, previous({ work: ["success", "skipped", "success"] }), NO_CATCHUP],
    ["mapped: one map index of the previous run failed blocks every index", false, {}, previous({ work: ["success", "failed", "success"] }), NO_CATCHUP],
    ["absent from the previous run, never ran, ignore_first_depends_on_past", true, {}, previous({}), NO_CATCHUP],
    ["absent from the previous run, ran in an earlier one, ignore_first_depends_on_past", false, {}, previous({}, ["work"]), NO_CATCHUP],
    ["absent from the previous run, never ran, without ignore_first_depends_on_past", false, { ignore_first_depends_on_past: false }, previous({}), NO_CATCHUP],
    ["catchup: previous run before the task's start date", true, { start_date: "2024-01-09T12:00:00+00:00" }, previous({ work: ["failed"] }), CATCHUP],
    ["catchup: previous run before the DAG's start date, later than the task's", true, { start_date: "2023-01-01T00:00:00+00:00" }, previous({ work: ["failed"] }), { catchup: true, startDate: new Date("2024-01-09T12:00:00Z") }],
    ["catchup: previous run on the task's start date", false, { start_date: "2024-01-09T00:00:00+00:00" }, previous({ work: ["failed"] }), CATCHUP],
    ["no catchup: the start date is not looked at", false, { start_date: "2024-01-09T12:00:00+00:00" }, previous({ work: ["failed"] }), NO_CATCHUP],
    ["wait_for_downstream: downstream TIs succeeded and skipped", true, { wait_for_downstream: true }, previous({ work: ["success"], check: ["success"], report: ["skipped"] }), NO_CATCHUP],
    ["wait_for_downstream: a downstream TI still running", false, { wait_for_downstream: true }, previous({ work: ["success"], check: ["running"], report: ["success"] }), NO_CATCHUP],
    ["wait_for_downstream: a downstream TI without state", false, { wait_for_downstream: true }, previous({ work: ["success"], check: ["success"], report: [null] }), NO_CATCHUP],
    ["wait_for_downstream: a downstream TI failed", false, { wait_for_downstream: true }, previous({ work: ["success"], check: ["failed"] }), NO_CATCHUP],
    ["wait_for_downstream: one map index of a mapped downstream failed", false, { wait_for_downstream: true }, previous({ work: ["success"], check: ["success", "failed"] }), NO_CATCHUP],
    ["wait_for_downstream: downstream tasks absent from the previous run", true, { wait_for_downstream: true }, previous({ work: ["success"] }), NO_CATCHUP],
    ["wait_for_downstream: only direct downstreams count", true, { wait_for_downstream: true }, previous({ work: ["success"], deeper: ["failed"] }), NO_CATCHUP],
    ["wait_for_downstream: the task's own failure blocks, whatever its downstreams did", false, { wait_for_downstream: true }, previous({ work: ["failed"], check: ["success"] }), NO_CATCHUP],
    ["without wait_for_downstream, downstream TIs are not looked at", true, {}, previous({ work: ["success"], check: ["failed"] }), NO_CATCHUP],
  ])("%s → met: %s", (_situation, met, task, facts, dag) => {
    expect(decidePastDepends({ ...WORK, ...task }, facts, dag).met).toBe(met);
  });

  it("says why a TI waits", () => {
    expect(decidePastDepends(WORK, previous({ work: ["success", "failed", null] }), NO_CATCHUP).reason).toBe(
      'depends_on_past is set, but 2 task instance(s) of "work" in the previous run are neither success nor skipped',
    );
    expect(decidePastDepends({ ...WORK, wait_for_downstream: true }, previous({ work: ["success"], report: ["running"] }), NO_CATCHUP).reason).toBe(
      'wait_for_downstream is set, and "report" in the previous run has not succeeded or been skipped',
    );
  });
});
