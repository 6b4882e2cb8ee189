import { describe, expect, it } from "vitest";
import { dag, PythonOperator, task, type TaskContext } from "updraft";
import { runDag } from "./helpers/run.ts";

describe("PythonOperator runs a TypeScript callable with Airflow's op_args and op_kwargs", () => {
  it("passes opArgs, then opKwargs merged over the context, all templated; the result is the XCom", async () => {
    let seen: unknown[] = [];
    const d = dag({ dagId: "python_args", schedule: null }, () => {
      new PythonOperator({
        taskId: "call",
        pythonCallable: (amount: number, day: string, kwargs: { currency: string; when: string } & TaskContext) => {
          seen = [amount, day, kwargs.currency, kwargs.when, kwargs.ti.taskId, kwargs.runId];
          return `${amount} ${kwargs.currency}`;
        },
        opArgs: [100, "{{ ds }}"],
        opKwargs: { currency: "EUR", when: "{{ ds_nodash }}" },
      });
    });
    const run = await runDag(d);
    expect(seen).toEqual([100, "2024-01-03", "EUR", "20240103", "call", "manual__2024-01-03T00:00:00+00:00"]);
    expect(run.returnValue("call")).toBe("100 EUR");
    expect(run.taskInstances[0].rendered).toEqual({ opArgs: [100, "2024-01-03"], opKwargs: { currency: "EUR", when: "20240103" } });
  });

  it("with provideContext false and no opKwargs, the callable gets only opArgs", async () => {
    let args: unknown[] = [];
    const d = dag({ dagId: "python_no_context", schedule: null }, () => {
      new PythonOperator({ taskId: "call", provideContext: false, opArgs: [1, 2], pythonCallable: (...received: unknown[]) => (args = received).length });
    });
    const run = await runDag(d);
    expect(args).toEqual([1, 2]);
    expect(run.returnValue("call")).toBe(2);
  });

  it("a task's output among its arguments makes that task upstream and passes its value, as in Airflow", async () => {
    const d = dag({ dagId: "python_xcom_arg", schedule: null }, () => {
      const count = task(async function count() {
        return 3;
      })();
      new PythonOperator({ taskId: "call", provideContext: false, opArgs: [count, 2], pythonCallable: (a: number, b: number) => a * b });
    });
    expect([...d.getTask("call").upstreamTaskIds]).toEqual(["count"]);
    const run = await runDag(d);
    expect(run.returnValue("call")).toBe(6);
  });
});
