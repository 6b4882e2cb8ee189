import { describe, expect, it } from "vitest";
import { deferralOf, resumeMethod, TaskDeferralError, TaskDeferralTimeout, TaskDeferred, TRIGGER_TIMEOUT_ERROR } from "../core/deferral.ts";
import { judgeExternalStates } from "../core/external-states.ts";
import { DateTimeTrigger } from "../triggers/temporal.ts";
import { deserializeTrigger } from "../triggers/registry.ts";
import { ExternalTaskSensor } from "../operators/external-task-sensor.ts";
import { DAG } from "../core/dag.ts";
import type { TaskContext } from "../core/context.ts";

const rules = { allowedStates: ["success"], failedStates: ["failed"], skippedStates: ["skipped"] };
const rows = (...states: Array<[string, string]>) => states.map(([taskId, state]) => ({ logicalDate: "2024-01-01T00:00:00.000Z", taskId, state }));

describe("ExternalTaskSensor's verdict (Airflow's poke)", () => {
  it("counts targets in allowed states per task and per date", () => {
    expect(judgeExternalStates({ tasksPerDate: 2, rows: rows(["a", "success"], ["b", "success"]) }, 1, rules)).toBe("success");
    expect(judgeExternalStates({ tasksPerDate: 2, rows: rows(["a", "success"], ["b", "running"]) }, 1, rules)).toBe("waiting");
    expect(judgeExternalStates({ tasksPerDate: 2, rows: rows(["a", "success"], ["b", "success"]) }, 2, rules)).toBe("waiting");
  });
  it("fails before skipping, and skips before succeeding", () => {
    expect(judgeExternalStates({ tasksPerDate: 2, rows: rows(["a", "skipped"], ["b", "failed"]) }, 1, rules)).toBe("failed");
    expect(judgeExternalStates({ tasksPerDate: 2, rows: rows(["a", "skipped"], ["b", "success"]) }, 1, rules)).toBe("skipped");
    expect(judgeExternalStates({ tasksPerDate: 1, rows: rows(["a", "failed"]) }, 1, { ...rules, failedStates: [] })).toBe("waiting");
  });
  it("refuses contradictory arguments as Airflow does", () => {
    const dag = new DAG({ dagId: "d", schedule: null, startDate: "2024-01-01" });
    expect(() => new ExternalTaskSensor({ dag, taskId: "s1", externalDagId: "x", externalTaskId: "a", externalTaskIds: ["b"] })).toThrow(/only one of externalTaskId or externalTaskIds/);
    expect(() => new ExternalTaskSensor({ dag, taskId: "s2", externalDagId: "x", executionDelta: 1, executionDateFn: (d) => d })).toThrow(/executionDelta or executionDateFn/);
    expect(() => new ExternalTaskSensor({ dag, taskId: "s3", externalDagId: "x", allowedStates: ["success"], failedStates: ["success"] })).toThrow(/duplicate values/);
    expect(() => new ExternalTaskSensor({ dag, taskId: "s4", externalDagId: "x", allowedStates: ["upstream_failed"] })).toThrow(/not a valid DAG run state/);
  });
});

describe("deferral", () => {
  it("stores the trigger serialized and the timeout as min(defer timeout, start + execution_timeout)", () => {
    const trigger = new DateTimeTrigger({ moment: "2030-01-01T00:00:00Z" });
    const start = new Date(Date.now() - 50_000);
    const d = deferralOf(new TaskDeferred({ trigger, methodName: "done", kwargs: { a: 1 }, timeout: 3600 }), start, 60);
    expect(d).toMatchObject({ classpath: "updraft.triggers.temporal.DateTimeTrigger", triggerKwargs: { moment: "2030-01-01T00:00:00.000Z" }, nextMethod: "done", nextKwargs: { a: 1 } });
    expect(d.timeoutAt!.getTime()).toBe(start.getTime() + 60_000);
    expect(deserializeTrigger(d.classpath, d.triggerKwargs)).toEqual(trigger);
    expect(() => deserializeTrigger("my.Unknown", {})).toThrow(/Unknown trigger "my.Unknown".*registerTrigger/);
  });
  it("resumes with next_method(context, event, kwargs), and fails through __fail__", async () => {
    const context = { log: { info() {} } } as unknown as TaskContext;
    const operator = { taskId: "t", done: (_c: TaskContext, event: unknown, kwargs: object) => ({ event, kwargs }) };
    expect(await resumeMethod(operator, { method: "done", kwargs: { event: 5, k: "v" } }, context)).toEqual({ event: 5, kwargs: { k: "v" } });
    await expect(resumeMethod(operator, { method: "__fail__", kwargs: { error: TRIGGER_TIMEOUT_ERROR } }, context)).rejects.toBeInstanceOf(TaskDeferralTimeout);
    await expect(resumeMethod(operator, { method: "__fail__", kwargs: { error: "boom" } }, context)).rejects.toThrow(/Trigger failure for task "t": boom/);
    await expect(resumeMethod(operator, { method: "nope", kwargs: {} }, context)).rejects.toBeInstanceOf(TaskDeferralError);
  });
});
