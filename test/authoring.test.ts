import { describe, expect, it } from "vitest";
import { BashOperator, chain, crossDownstream, dag, EmptyOperator, task, taskGroup, CycleError, DagDefinitionError } from "updraft";
import { serializeDag } from "../core/serialization.ts";

const ids = (tasks: Iterable<string>) => [...tasks].sort();

describe("declaring dependencies", () => {
  it("then/after chain like >> and <<, and lists fan out and in", () => {
    const d = dag({ dagId: "deps", schedule: null }, () => {
      const [a, b, c, x] = ["a", "b", "c", "x"].map((taskId) => new EmptyOperator({ taskId }));
      a.then(b).then(c);
      x.after([a, b]);
    });
    expect(ids(d.getTask("a").downstreamTaskIds)).toEqual(["b", "x"]);
    expect(ids(d.getTask("x").upstreamTaskIds)).toEqual(["a", "b"]);
    expect(ids(d.getTask("c").upstreamTaskIds)).toEqual(["b"]);
  });

  it("chain links adjacent lists pairwise and crossDownstream links every pair", () => {
    const d = dag({ dagId: "chain", schedule: null }, () => {
      const t = (taskId: string) => new EmptyOperator({ taskId });
      chain(t("a"), [t("b1"), t("b2")], [t("c1"), t("c2")], t("d"));
      crossDownstream([t("x1"), t("x2")], [t("y1"), t("y2")]);
    });
    expect(ids(d.getTask("a").downstreamTaskIds)).toEqual(["b1", "b2"]);
    expect(ids(d.getTask("b1").downstreamTaskIds)).toEqual(["c1"]);
    expect(ids(d.getTask("b2").downstreamTaskIds)).toEqual(["c2"]);
    expect(ids(d.getTask("d").upstreamTaskIds)).toEqual(["c1", "c2"]);
    expect(ids(d.getTask("y2").upstreamTaskIds)).toEqual(["x1", "x2"]);
  });

  it("chain refuses adjacent lists of different lengths", () => {
    expect(() =>
      dag({ dagId: "bad_chain", schedule: null }, () => {
        const t = (taskId: string) => new EmptyOperator({ taskId });
        chain([t("a"), t("b")], [t("c")]);
      }),
    ).toThrow(/different lengths \(2 and 1\)/);
  });

  it("a cycle is an error naming the cycle", () => {
    let error: unknown;
    try {
      dag({ dagId: "cyclic", schedule: null }, () => {
        const [a, b, c] = ["a", "b", "c"].map((taskId) => new EmptyOperator({ taskId }));
        a.then(b).then(c).then(a);
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CycleError);
    expect((error as Error).message).toMatch(/DAG "cyclic" has a cycle: (a >> b >> c >> a|b >> c >> a >> b|c >> a >> b >> c)/);
  });

  it("TaskFlow calls wire dependencies from the data flow", () => {
    const d = dag({ dagId: "flow", schedule: null }, () => {
      const one = task(async function one() {
        return 1;
      });
      const add = task(async function add(x: number, y: number) {
        return x + y;
      });
      add(one(), one());
    });
    expect(ids(d.taskIds)).toEqual(["add", "one", "one__1"]);
    expect(ids(d.getTask("add").upstreamTaskIds)).toEqual(["one", "one__1"]);
  });
});

describe("task options", () => {
  it("explicit arguments beat task-group default args, which beat DAG default args", () => {
    const d = dag({ dagId: "defaults", schedule: null, owner: "team-a", defaultArgs: { retries: 3, pool: "dag_pool", queue: "q1" } }, () => {
      taskGroup({ groupId: "g", defaultArgs: { retries: 5, pool: "group_pool" } }, () => {
        new EmptyOperator({ taskId: "inner", pool: "own_pool" });
        new EmptyOperator({ taskId: "inner2" });
      });
      new EmptyOperator({ taskId: "outer" });
    });
    const inner = d.getTask("g.inner");
    expect([inner.retries, inner.pool, inner.queue, inner.owner]).toEqual([5, "own_pool", "q1", "team-a"]);
    expect([d.getTask("g.inner2").pool, d.getTask("outer").retries, d.getTask("outer").pool]).toEqual(["group_pool", 3, "dag_pool"]);
  });

  it("nested task groups prefix ids with the full path and act as dependencies", () => {
    const d = dag({ dagId: "groups", schedule: null }, () => {
      const start = new EmptyOperator({ taskId: "start" });
      const outer = taskGroup("outer", () => {
        taskGroup("inner", () => {
          new EmptyOperator({ taskId: "a" }).then(new EmptyOperator({ taskId: "b" }));
        });
        new EmptyOperator({ taskId: "c" });
      });
      start.then(outer).then(new EmptyOperator({ taskId: "end" }));
    });
    expect(ids(d.taskIds)).toEqual(["end", "outer.c", "outer.inner.a", "outer.inner.b", "start"]);
    expect(ids(d.getTask("start").downstreamTaskIds)).toEqual(["outer.c", "outer.inner.a"]);
    expect(ids(d.getTask("end").upstreamTaskIds)).toEqual(["outer.c", "outer.inner.b"]);
  });

  it("deprecated trigger rule aliases are rewritten and unknown ones are errors with a suggestion", () => {
    const d = dag({ dagId: "aliases", schedule: null }, () => {
      new EmptyOperator({ taskId: "a", triggerRule: "none_failed_or_skipped" });
      new EmptyOperator({ taskId: "b", triggerRule: "dummy" });
    });
    expect([d.getTask("a").triggerRule, d.getTask("b").triggerRule]).toEqual(["none_failed_min_one_success", "always"]);
    expect(() => dag({ dagId: "typo", schedule: null }, () => new EmptyOperator({ taskId: "a", triggerRule: "all_sucess" }))).toThrow(
      /Invalid trigger rule for task "a" of DAG "typo".*all_success/,
    );
  });

  it("duplicate task ids, bad ids and a schedule without start date are definition errors", () => {
    expect(() =>
      dag({ dagId: "dupes", schedule: null }, () => {
        new EmptyOperator({ taskId: "same" });
        new EmptyOperator({ taskId: "same" });
      }),
    ).toThrow(/Duplicate task id "same" in DAG "dupes"/);
    expect(() => dag({ dagId: "bad id!", schedule: null })).toThrow(DagDefinitionError);
    expect(() => dag({ dagId: "no_start", schedule: "@daily" })).toThrow(/has a schedule but no startDate/);
    expect(() => dag({ dagId: "bad_cron", schedule: "61 * * * *", startDate: "2024-01-01" })).toThrow(/DAG "bad_cron".*61 \* \* \* \*/);
  });

  it("a task created outside a DAG says how to fix it", () => {
    expect(() => new BashOperator({ taskId: "lonely", bashCommand: "true" })).toThrow(/not in a DAG: create it inside dag/);
  });
});

describe("serialization", () => {
  it("records structure, effective priority weights and mapping sources for the scheduler", () => {
    const d = dag({ dagId: "ser", schedule: "@daily", startDate: "2024-01-01" }, () => {
      const list = task(async function list(): Promise<number[]> {
        return [1, 2];
      });
      const double = task(async function double({ x }: { x: number }) {
        return 2 * x;
      });
      const out = double.expand({ x: list() });
      out.then(new EmptyOperator({ taskId: "end" }));
    });
    const s = serializeDag(d);
    const byId = Object.fromEntries(s.tasks.map((t) => [t.task_id, t]));
    expect(byId.double.mapped).toEqual({ kind: "expand", args: [{ name: "x", xcom: { task_id: "list", key: "return_value" } }] });
    expect([byId.list.effective_priority_weight, byId.double.effective_priority_weight, byId.end.effective_priority_weight]).toEqual([3, 2, 1]);
    expect(byId.list.has_mapped_dependants).toBe(true);
    expect(byId.end.is_noop).toBe(true);
    expect(s.timetable).toMatchObject({ type: "cron", timezone: "UTC" });
    expect(s.schedule_summary).toBe("@daily");
  });

  it("keeps every DAG option and every default arg, in Airflow's names", () => {
    const onFailure = () => {};
    const d = dag(
      {
        dagId: "all_options", description: "every option", schedule: "0 6 * * *", startDate: "2024-01-01", endDate: "2024-12-31",
        timezone: "Europe/Amsterdam", catchup: false, tags: ["a", "b"], owner: "team-a", docMd: "# Doc",
        params: { n: 5 }, maxActiveRuns: 2, maxActiveTasks: 4, onFailureCallback: onFailure,
        defaultArgs: {
          retries: 2, retryDelay: { minutes: 1 }, retryExponentialBackoff: true, maxRetryDelay: { minutes: 10 }, executionTimeout: 30,
          triggerRule: "all_done", pool: "p", poolSlots: 2, priorityWeight: 7, weightRule: "absolute", queue: "q",
          dependsOnPast: true, onFailureCallback: onFailure, email: "ops@example.com", emailOnFailure: false, emailOnRetry: false,
        },
      },
      () => void new EmptyOperator({ taskId: "t" }),
    );
    const s = serializeDag(d);
    expect(s).toMatchObject({
      description: "every option", start_date: "2024-01-01T00:00:00+00:00", end_date: "2024-12-31T00:00:00+00:00", timezone: "Europe/Amsterdam",
      catchup: false, tags: ["a", "b"], owner: "team-a", doc_md: "# Doc", params: { n: { value: 5 } }, max_active_runs: 2, max_active_tasks: 4,
      has_on_failure_callback: true, has_on_success_callback: false, timetable: { type: "cron", timezone: "Europe/Amsterdam" },
    });
    expect(s.tasks[0]).toMatchObject({
      owner: "team-a", retries: 2, retry_delay: 60, retry_exponential_backoff: true, max_retry_delay: 600, execution_timeout: 30,
      trigger_rule: "all_done", pool: "p", pool_slots: 2, priority_weight: 7, weight_rule: "absolute", effective_priority_weight: 7,
      queue: "q", depends_on_past: true, email: ["ops@example.com"], email_on_failure: false, email_on_retry: false,
    });
    expect(d.getTask("t").onFailureCallback).toEqual([onFailure]);
  });
});
