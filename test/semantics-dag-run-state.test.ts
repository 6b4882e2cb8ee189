import { describe, expect, it } from "vitest";
import { decideDagRunState, type RunStateDecision, type RunStateInput } from "../core/semantics/dag-run-state.ts";
import type { TaskState } from "../core/types.ts";

// DAG: extract >> transform >> [load, report]; leaves are load and report.
const LEAVES = new Set(["load", "report"]);
type States = Partial<Record<"extract" | "transform" | "load" | "report", TaskState>>;

function decide(states: States, extra: Partial<RunStateInput> = {}): RunStateDecision {
  const tis = Object.entries({ extract: "success", transform: "success", load: "success", report: "success", ...states }).map(
    ([taskId, state]) => ({ taskId, mapIndex: -1, state: state as TaskState }),
  );
  return decideDagRunState({ tis, leafTaskIds: LEAVES, deadlocked: false, deadlockCheckDisabled: false, ...extra });
}

const SUCCESS = { state: "success", reason: "success" };
const TASK_FAILURE = { state: "failed", reason: "task_failure" };
const DEADLOCK = { state: "failed", reason: "all_tasks_deadlocked" };
const RUNNING = { state: "running" };

describe("decideDagRunState (Airflow 2.10 DagRun.update_state)", () => {
  it.each<[string, States, object]>([
    ["every task succeeded", {}, SUCCESS],
    ["a leaf failed", { report: "failed" }, TASK_FAILURE],
    ["a leaf is upstream_failed", { transform: "failed", load: "upstream_failed", report: "upstream_failed" }, TASK_FAILURE],
    ["one leaf failed, the other succeeded", { load: "failed" }, TASK_FAILURE],
    ["a non-leaf failed but both leaves succeeded (all_done leaves)", { transform: "failed" }, SUCCESS],
    ["every leaf skipped", { load: "skipped", report: "skipped" }, SUCCESS],
    ["a skipped and a successful leaf", { load: "skipped" }, SUCCESS],
    ["a removed leaf is ignored", { report: "removed" }, SUCCESS],
    ["a removed leaf is ignored even beside a failed one", { report: "removed", load: "failed" }, TASK_FAILURE],
    ["every leaf removed", { load: "removed", report: "removed" }, SUCCESS],
  ])("all finished, %s → %o", (_situation, states, expected) => {
    expect(decide(states)).toEqual(expected);
  });

  it.each<[TaskState]>([[null], ["scheduled"], ["queued"], ["running"], ["restarting"], ["up_for_retry"], ["up_for_reschedule"], ["deferred"]])(
    "stays running while a TI is %s, even if a leaf already failed",
    (state) => {
      expect(decide({ transform: state, load: "failed" })).toEqual(RUNNING);
      expect(decide({ report: state })).toEqual(RUNNING);
    },
  );

  it("fails a deadlocked run with unfinished TIs", () => {
    expect(decide({ load: null }, { deadlocked: true })).toEqual(DEADLOCK);
  });

  it("keeps a deadlocked run running when deadlock detection is disabled", () => {
    expect(decide({ load: null }, { deadlocked: true, deadlockCheckDisabled: true })).toEqual(RUNNING);
  });

  it("ignores the deadlock flag once nothing is unfinished: the leaves decide", () => {
    expect(decide({}, { deadlocked: true })).toEqual(SUCCESS);
    expect(decide({ load: "failed" }, { deadlocked: true })).toEqual(TASK_FAILURE);
  });

  it("is running when not deadlocked and work remains", () => {
    expect(decide({ load: "queued" }, { deadlocked: false })).toEqual(RUNNING);
  });

  it("judges a mapped leaf by every map index", () => {
    const tis = (states: TaskState[]) => [
      { taskId: "make", mapIndex: -1, state: "success" as TaskState },
      ...states.map((state, mapIndex) => ({ taskId: "consume", mapIndex, state })),
    ];
    const run = (states: TaskState[]) =>
      decideDagRunState({ tis: tis(states), leafTaskIds: new Set(["consume"]), deadlocked: false, deadlockCheckDisabled: false });
    expect(run(["success", "success", "skipped"])).toEqual(SUCCESS);
    expect(run(["success", "failed", "success"])).toEqual(TASK_FAILURE);
    expect(run(["success", "removed", "success"])).toEqual(SUCCESS);
    expect(run(["success", "running", "failed"])).toEqual(RUNNING);
  });

  it("calls a run without TIs a success, as Airflow does", () => {
    expect(decideDagRunState({ tis: [], leafTaskIds: new Set(), deadlocked: false, deadlockCheckDisabled: false })).toEqual(SUCCESS);
  });
});
