import { describe, expect, it } from "vitest";
import {
  BaseBranchOperator, BashOperator, dag, EmptyOperator, FailTask, getCurrentContext, LatestOnlyOperator, param, PythonOperator,
  ShortCircuitOperator, SkipTask, task, type TaskContext,
} from "updraft";
import { runDag } from "./helpers/run.ts";

describe("branching (Airflow's skip_all_except)", () => {
  const branchDag = (choice: string) =>
    dag({ dagId: `branch_${choice}`, schedule: null }, () => {
      const branch = task.branch(async function branch() {
        return choice;
      })();
      const a = new EmptyOperator({ taskId: "a", onSuccessCallback: () => {} });
      const join = new EmptyOperator({ taskId: "join" });
      branch.then(a).then(join);
      branch.then(join);
    });

  it("choosing the join skips `a`, and then an all_success join is skipped too", async () => {
    const run = await runDag(branchDag("join"));
    expect(run.states).toEqual({ branch: "success", a: "skipped", join: "skipped" });
    expect(run.state).toBe("success");
  });

  it("choosing `a` runs both, because join is downstream of a", async () => {
    const run = await runDag(branchDag("a"));
    expect(run.states).toEqual({ branch: "success", a: "success", join: "success" });
  });

  it("a BaseBranchOperator subclass chooses with chooseBranch(context)", async () => {
    class ByDay extends BaseBranchOperator {
      chooseBranch(context: TaskContext) {
        return context.logicalDate.getUTCDay() === 3 ? "wednesday" : "other_day";
      }
    }
    const d = dag({ dagId: "base_branch", schedule: null }, () => {
      new ByDay({ taskId: "by_day" }).then([new EmptyOperator({ taskId: "wednesday" }), new EmptyOperator({ taskId: "other_day" })]);
    });
    expect((await runDag(d)).states).toEqual({ by_day: "success", wednesday: "success", other_day: "skipped" });
    expect((await runDag(d, { logicalDate: "2024-01-04T00:00:00Z" })).states).toEqual({ by_day: "success", wednesday: "skipped", other_day: "success" });
  });

  it("a branch choosing an unknown task fails with a suggestion", async () => {
    const run = await runDag(branchDag("jion"));
    expect(run.states.branch).toBe("failed");
    expect(run.taskInstances.find((t) => t.taskId === "branch")?.error).toMatch(/chose "jion".*Did you mean "join"/);
  });
});

describe("a mapped branch or short-circuit skips only its own map index's task instances (Airflow 2.10.5)", () => {
  const mappedBranch = task.branch(async function mapped_branch({ x }: { x: number }) {
    return x === 2 ? null : "chosen";
  });
  const mappedGate = task.shortCircuit(async function gate({ x }: { x: number }) {
    return x !== 2;
  });
  const cases = [
    {
      name: "a mapped branch leaves unmapped downstream tasks to their trigger rules",
      build: () => void mappedBranch.expand({ x: [1, 2, 3] }).then([new EmptyOperator({ taskId: "chosen" }), new EmptyOperator({ taskId: "not_chosen" })]),
      states: { "mapped_branch[0]": "success", "mapped_branch[1]": "success", "mapped_branch[2]": "success", chosen: "success", not_chosen: "success" },
    },
    {
      name: "a mapped short-circuit leaves unmapped downstream tasks to their trigger rules",
      build: () => void mappedGate.expand({ x: [1, 2, 3] }).then(new EmptyOperator({ taskId: "after" })),
      states: { "gate[0]": "success", "gate[1]": "success", "gate[2]": "success", after: "success" },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const run = await runDag(dag({ dagId: "mapped_skip", schedule: null }, c.build));
      expect(run.states).toEqual(c.states);
    });
  }
});

describe("short-circuit", () => {
  const shortDag = (ignoreDownstreamTriggerRules: boolean) =>
    dag({ dagId: `sc_${ignoreDownstreamTriggerRules}`, schedule: null }, () => {
      const check = new ShortCircuitOperator({ taskId: "check", pythonCallable: () => false, ignoreDownstreamTriggerRules });
      const child = new EmptyOperator({ taskId: "child" });
      const grandchild = new EmptyOperator({ taskId: "grandchild", triggerRule: "all_done" });
      check.then(child).then(grandchild);
    });

  it("skips every downstream task whatever its trigger rule by default", async () => {
    const run = await runDag(shortDag(true));
    expect(run.states).toEqual({ check: "success", child: "skipped", grandchild: "skipped" });
  });

  it("with ignoreDownstreamTriggerRules false skips only direct children; deeper ones follow their rules", async () => {
    const run = await runDag(shortDag(false));
    expect(run.states).toEqual({ check: "success", child: "skipped", grandchild: "success" });
  });
});

describe("failures, retries and callbacks", () => {
  it("upstream failure propagates as upstream_failed and fails the run", async () => {
    const d = dag({ dagId: "propagate", schedule: null }, () => {
      const a = new BashOperator({ taskId: "a", bashCommand: "exit 3" });
      a.then(new EmptyOperator({ taskId: "b" })).then(new EmptyOperator({ taskId: "c" }));
    });
    const run = await runDag(d);
    expect(run.states).toEqual({ a: "failed", b: "upstream_failed", c: "upstream_failed" });
    expect(run.state).toBe("failed");
    expect(run.taskInstances.find((t) => t.taskId === "a")?.error).toMatch(/non-zero exit code 3/);
  });

  it("retries after the retry delay and succeeds on the third try", async () => {
    let attempts = 0;
    const events: string[] = [];
    const d = dag({ dagId: "retry_ok", schedule: null }, () => {
      task({ taskId: "flaky", retries: 2, retryDelay: 0.05, onRetryCallback: (c) => void events.push(`retry ${c.ti.tryNumber}`) }, async () => {
        attempts++;
        if (attempts < 3) throw new Error("transient");
        return attempts;
      })();
    });
    const run = await runDag(d);
    expect(run.states.flaky).toBe("success");
    expect(run.taskInstances[0].tryNumber).toBe(3);
    expect(events).toEqual(["retry 1", "retry 2"]);
  });

  it("retries run out: on_retry then on_failure with the exception in the context", async () => {
    const events: string[] = [];
    const d = dag({ dagId: "retry_exhausted", schedule: null }, () => {
      task(
        {
          taskId: "broken",
          retries: 1,
          retryDelay: 0,
          onRetryCallback: () => void events.push("retry"),
          onFailureCallback: (c: TaskContext) => void events.push(`failure: ${(c.exception as Error).message}`),
        },
        async () => {
          throw new Error("boom");
        },
      )();
    });
    const run = await runDag(d);
    expect(run.states.broken).toBe("failed");
    expect(run.taskInstances[0].tryNumber).toBe(2);
    expect(events).toEqual(["retry", "failure: boom"]);
  });

  it("FailTask fails at once, whatever the retries", async () => {
    const d = dag({ dagId: "no_retry", schedule: null }, () => {
      task({ taskId: "fatal", retries: 5, retryDelay: 0 }, async () => {
        throw new FailTask("bad credentials");
      })();
    });
    const run = await runDag(d);
    expect([run.states.fatal, run.taskInstances[0].tryNumber]).toEqual(["failed", 1]);
  });

  it("execution_timeout stops the task and counts as a retryable failure", async () => {
    const d = dag({ dagId: "timeout", schedule: null }, () => {
      new BashOperator({ taskId: "slow", bashCommand: "sleep 5", executionTimeout: 0.3, retries: 0 });
    });
    const run = await runDag(d);
    expect(run.states.slow).toBe("failed");
    expect(run.taskInstances[0].error).toMatch(/exceeded its execution_timeout of 0.3s/);
    // The command was stopped, not waited for: `sleep 5` never printed its end.
    expect(run.taskInstances[0].durationMs).toBeLessThan(5000);
  });

  it("callbacks run in Airflow's order; a skip runs on_skipped then on_success; callback errors never change the outcome", async () => {
    const events: string[] = [];
    const note = (name: string) => (c: TaskContext) => void events.push(`${c.task.taskId}:${name}`);
    const d = dag({ dagId: "callbacks", schedule: null }, () => {
      const ok = task(
        { taskId: "ok", onExecuteCallback: note("execute"), onSuccessCallback: [note("success"), () => { throw new Error("callback bug"); }] },
        async () => 1,
      )();
      const skip = task({ taskId: "skip", onSkippedCallback: note("skipped"), onSuccessCallback: note("success") }, async () => {
        throw new SkipTask("nothing to do");
      })();
      ok.then(skip);
    });
    const run = await runDag(d);
    expect(run.states).toEqual({ ok: "success", skip: "skipped" });
    expect(events).toEqual(["ok:execute", "ok:success", "skip:skipped", "skip:success"]);
    expect(run.logs.some((l) => l.includes("Error in on_success_callback") && l.includes("callback bug"))).toBe(true);
  });

  it("DAG-level callbacks fire with the reason and the context of the run's last task instance", async () => {
    const seen: string[] = [];
    const note = (c: TaskContext) => void seen.push(`${c.reason} ${c.task.taskId} ${c.runId} ${c.dagRun.conf.who}`);
    const failing = dag({ dagId: "dag_callbacks", schedule: null, onFailureCallback: note, onSuccessCallback: note }, () => {
      new BashOperator({ taskId: "a", bashCommand: "exit 1" }).then(new EmptyOperator({ taskId: "b" }));
    });
    await runDag(failing, { conf: { who: "ops" } });
    const passing = dag({ dagId: "dag_callbacks_ok", schedule: null, onSuccessCallback: [note, () => { throw new Error("callback bug"); }] }, () => {
      new EmptyOperator({ taskId: "only" });
    });
    const run = await runDag(passing, { conf: { who: "dev" } });
    expect(seen).toEqual([
      "task_failure b manual__2024-01-03T00:00:00+00:00 ops",
      "success only manual__2024-01-03T00:00:00+00:00 dev",
    ]);
    expect(run.state).toBe("success");
    expect(run.logs.some((l) => l.includes("DAG success callback failed: callback bug"))).toBe(true);
  });
});

describe("XCom values", () => {
  it("a result that is not JSON fails the task with an error saying where and what to do", async () => {
    const d = dag({ dagId: "bad_xcom", schedule: null }, () => {
      task({ taskId: "returns_map" }, async () => ({ lookup: new Map([["a", 1]]) }))();
    });
    const run = await runDag(d);
    expect(run.states.returns_map).toBe("failed");
    expect(run.taskInstances[0].error).toMatch(/value\.lookup is an instance of Map.*must be JSON/);
  });

  it("multiple outputs push each key, and downstream tasks read single keys", async () => {
    const d = dag({ dagId: "multi", schedule: null }, () => {
      const stats = task({ taskId: "stats", multipleOutputs: true }, async () => ({ count: 3, names: ["a", "b", "c"] }));
      const show = task(async function show(count: number, names: string[]) {
        return `${count}:${names.join("")}`;
      });
      show(stats().get("count"), stats.override({ taskId: "stats2" })().get("names"));
    });
    const run = await runDag(d);
    expect(run.states.show).toBe("success");
  });
});

describe("dynamic task mapping", () => {
  it("maps over an upstream list, keeps order downstream, and skips on an empty list", async () => {
    let received: number[] = [];
    const d = dag({ dagId: "mapping", schedule: null }, () => {
      const nums = task(async function nums() {
        return [3, 1, 2];
      });
      const square = task(async function square({ x }: { x: number }) {
        return x * x;
      });
      const collect = task(async function collect(values: number[]) {
        received = values;
        return values.length;
      });
      collect(square.expand({ x: nums() }));
      const empty = task(async function empty(): Promise<number[]> {
        return [];
      });
      const never = square.override({ taskId: "never" }).expand({ x: empty() });
      never.then(new EmptyOperator({ taskId: "after_empty" }));
    });
    const run = await runDag(d);
    expect(run.states).toMatchObject({ "square[0]": "success", "square[1]": "success", "square[2]": "success", collect: "success" });
    expect(received).toEqual([9, 1, 4]);
    expect(run.states).toMatchObject({ never: "skipped", after_empty: "skipped" });
  });

  it("mapped TIs that return nothing are not counted when mapping over a mapped task", async () => {
    const d = dag({ dagId: "mapped_none", schedule: null }, () => {
      const maybe = task(async function maybe({ x }: { x: number }) {
        return x % 2 === 0 ? x : null;
      });
      const again = task(async function again({ y }: { y: number }) {
        return y;
      });
      again.expand({ y: maybe.expand({ x: [1, 2, 3, 4] }) });
    });
    const run = await runDag(d);
    expect(Object.keys(run.states).filter((k) => k.startsWith("again["))).toEqual(["again[0]", "again[1]"]);
  });

  it("an upstream that returns nothing or a non-list for a mapped task fails", async () => {
    const d = dag({ dagId: "map_source_bad", schedule: null }, () => {
      const none = task(async function none(): Promise<number[]> {
        return null as unknown as number[];
      });
      const echo = task(async function echo({ x }: { x: number }) {
        return x;
      });
      echo.expand({ x: none() });
    });
    const run = await runDag(d);
    expect(run.states).toEqual({ none: "failed", echo: "upstream_failed" });
    expect(run.taskInstances.find((t) => t.taskId === "none")?.error).toMatch(/returned nothing, but a downstream task is mapped/);
  });

  it("mapIndexTemplate labels each mapped task instance", async () => {
    const d = dag({ dagId: "labels", schedule: null }, () => {
      task({ taskId: "per_region", mapIndexTemplate: "region #{{ ti.map_index }} of {{ dag_run.conf.batch }}" }, async ({ r }: { r: string }) => r).expand({
        r: ["eu", "us"],
      });
    });
    const run = await runDag(d, { conf: { batch: "b7" } });
    expect(run.taskInstances.map((ti) => ti.renderedMapIndex)).toEqual(["region #0 of b7", "region #1 of b7"]);
  });

  it("partial + expand over a cartesian product, last argument varying fastest", async () => {
    const d = dag({ dagId: "product", schedule: null }, () => {
      const pair = task(async function pair({ a, b, sep }: { a: string; b: number; sep: string }) {
        return `${a}${sep}${b}`;
      });
      const all = pair.partial({ sep: "-" }).expand({ a: ["x", "y"], b: [1, 2, 3] });
      task(async function check(values: string[]) {
        if (values.join(",") !== "x-1,x-2,x-3,y-1,y-2,y-3") throw new Error(`wrong order: ${values}`);
      })(all);
    });
    const run = await runDag(d);
    expect(run.states.check).toBe("success");
  });

  it("classic operators map with partial().expand() and expandKwargs", async () => {
    const d = dag({ dagId: "classic_map", schedule: null }, () => {
      BashOperator.partial({ taskId: "echo" }).expand({ bashCommand: ["echo 1", "echo 2"] });
      PythonOperator.partial({ taskId: "py", provideContext: false }).expandKwargs([
        { pythonCallable: () => 1, opArgs: [] },
        { pythonCallable: () => 2, opArgs: [] },
      ]);
    });
    const run = await runDag(d);
    expect(run.states).toEqual({ "echo[0]": "success", "echo[1]": "success", "py[0]": "success", "py[1]": "success" });
  });
});

describe("params and templates", () => {
  const paramDag = () =>
    dag({ dagId: "params", schedule: null, params: { n: param(2, { type: "integer", minimum: 1 }) } }, () => {
      new BashOperator({ taskId: "show", bashCommand: "echo n={{ params.n }} ds={{ ds }} conf={{ dag_run.conf.extra }}" });
    });

  it("renders template fields against the context and keeps the rendered values", async () => {
    const run = await runDag(paramDag(), { conf: { n: 7, extra: "yes" } });
    expect(run.taskInstances[0].rendered.bashCommand).toBe("echo n=7 ds=2024-01-03 conf=yes");
    expect(run.logs).toContain("show: n=7 ds=2024-01-03 conf=yes");
  });

  it("a conf that breaks a param's schema is refused before anything runs", async () => {
    await expect(runDag(paramDag(), { conf: { n: 0 } })).rejects.toThrow(/param "n" = 0 is invalid.*>= 1/);
  });

  it("getCurrentContext gives TaskFlow functions the run's context", async () => {
    let seen = "";
    const d = dag({ dagId: "ctx", schedule: null }, () => {
      task(async function look() {
        const c = getCurrentContext();
        seen = `${c.dagRun.runId} ${c.ti.tryNumber} ${c.dataIntervalStart.toISOString()}`;
      })();
    });
    await runDag(d);
    expect(seen).toBe("manual__2024-01-03T00:00:00+00:00 1 2024-01-03T00:00:00.000Z");
  });
});

describe("sensors and LatestOnly", () => {
  it("a poke-mode sensor pokes until done and pushes its value", async () => {
    let pokes = 0;
    const d = dag({ dagId: "sensor", schedule: null }, () => {
      const wait = task.sensor({ taskId: "wait", pokeInterval: 0.05, timeout: 5 }, async () => {
        pokes++;
        return pokes >= 3 ? { isDone: true, xcomValue: "ready" } : false;
      })();
      task(async function use(value: unknown) {
        if (value !== "ready") throw new Error(String(value));
      })(wait);
    });
    const run = await runDag(d);
    expect(run.states).toEqual({ wait: "success", use: "success" });
    expect(pokes).toBe(3);
  });

  it("a sensor past its timeout fails without retry, or skips with softFail", async () => {
    const d = dag({ dagId: "sensor_timeout", schedule: null }, () => {
      task.sensor({ taskId: "hard", pokeInterval: 0.05, timeout: 0.2, retries: 3 }, async () => false)();
      task.sensor({ taskId: "soft", pokeInterval: 0.05, timeout: 0.2, softFail: true }, async () => false)();
    });
    const run = await runDag(d, { parallelism: 2 });
    expect(run.states).toEqual({ hard: "failed", soft: "skipped" });
    expect(run.taskInstances.find((t) => t.taskId === "hard")?.tryNumber).toBe(1);
  });

  it("a reschedule-mode sensor frees its slot between pokes and keeps its try number", async () => {
    let pokes = 0;
    const states: string[] = [];
    const d = dag({ dagId: "resched", schedule: null }, () => {
      task.sensor({ taskId: "wait", mode: "reschedule", pokeInterval: 0.05 }, async () => ++pokes >= 2)();
    });
    const run = await runDag(d, { onStateChange: (e) => states.push(`${e.state}:${e.tryNumber}`) });
    expect(states).toEqual(["running:1", "up_for_reschedule:1", "running:1", "success:1"]);
    expect(run.states.wait).toBe("success");
  });

  // Airflow 2.10.5's `airflow dags test` of this DAG for 2024-01-03 skips notify: its test run is not externally triggered.
  // A manual run for today gets the interval [yesterday, today), the latest complete one.
  const today = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  for (const [when, logicalDate, notify] of [["an old interval", "2024-01-03T00:00:00Z", "skipped"], ["the latest interval", today, "success"]] as const) {
    it(`LatestOnlyOperator under dags test, for ${when}: downstream ${notify}`, async () => {
      const d = dag({ dagId: "latest", schedule: "@daily", startDate: "2024-01-01" }, () => {
        new LatestOnlyOperator({ taskId: "latest_only" }).then(new EmptyOperator({ taskId: "notify" }));
      });
      const run = await runDag(d, { logicalDate });
      expect(run.states).toEqual({ latest_only: "success", notify });
    });
  }
});
