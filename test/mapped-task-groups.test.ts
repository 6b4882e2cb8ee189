import { describe, expect, it } from "vitest";
import { dag, EmptyOperator, getCurrentContext, SkipTask, task, taskGroup, type DAG } from "updraft";
import { serializeDag } from "../core/serialization.ts";
import { runDag } from "./helpers/run.ts";

/*
 * Mapped task groups (Airflow's `@task_group` + `.expand()`), run in process. Every run outcome in CASES was
 * pinned by running the same DAG in Python (test/fixtures/airflow/mapped_task_groups.py,
 * mapped_skips.py) under `airflow dags test` with Apache Airflow 2.10.5.
 */

const double = task(async function double(x: number) {
  return 2 * x;
});
const doubleFailingOnTwo = task(async function double(x: number) {
  if (x === 2) throw new Error("boom");
  return 2 * x;
});
const skipTwo = task(async function skip_two(x: number) {
  if (x === 2) throw new SkipTask("two");
  return x;
});
const addOne = task(async function add_one(v: number) {
  return v + 1;
});
const summarize = task(async function summarize(values: number[]) {
  return values;
});
const summarizeAllDone = task({ taskId: "all_done_consumer", triggerRule: "all_done" }, async (values: number[]) => values);
const numbers = task(async function numbers() {
  return [1, 2, 3];
});
const nothing = task(async function nothing(): Promise<number[]> {
  return [];
});
const combine = task(async function combine(x: number, y: number) {
  return x * 100 + y;
});
const pick = task.branch(async function pick(x: number) {
  return x === 2 ? "branchy.other" : "branchy.keep";
});
const keep = task(async function keep(x: number) {
  return x;
});
const other = task(async function other() {
  return "o";
});
const join = task({ taskId: "join", triggerRule: "none_failed_min_one_success" }, async () => "j");

const gate = task.shortCircuit(async function gate(x: number) {
  return x !== 2;
});
const afterGate = task(async function after_gate(x: number) {
  return x;
});

const processGroup = taskGroup.fn(function process({ x }: { x: number }) {
  return addOne(double(x));
});
const processFailing = taskGroup.fn(function process({ x }: { x: number }) {
  return addOne(doubleFailingOnTwo(x));
});
const withFixed = taskGroup.fn(function with_fixed({ x, y }: { x: number; y: number }) {
  return combine(x, y);
});
const branchy = taskGroup.fn(function branchy({ x }: { x: number }) {
  const b = pick(x);
  const k = keep(x);
  const o = other();
  b.then([k, o]);
  const j = join();
  k.then(j);
  o.then(j);
});
const gated = taskGroup.fn(function gated({ x }: { x: number }) {
  gate(x).then(afterGate(x));
});
const skipping = taskGroup.fn(function skipping({ x }: { x: number }) {
  return addOne(skipTwo(x));
});

const build = (dagId: string, body: () => void): DAG => dag({ dagId, schedule: null }, body);
const each = (taskId: string, states: string[]) => Object.fromEntries(states.map((state, i) => [`${taskId}[${i}]`, state]));

interface Case {
  name: string;
  dag: () => DAG;
  runState: "success" | "failed";
  states: Record<string, string>;
  /** What a consumer outside the group received. */
  received?: Record<string, unknown>;
  /** Return values of single TIs, "task_id[map_index]". */
  values?: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: "a 3-wide group of two chained tasks runs each chain once per map index",
    dag: () => build("mtg_chain", () => void processGroup.expand({ x: [1, 2, 3] })),
    runState: "success",
    states: { ...each("process.double", ["success", "success", "success"]), ...each("process.add_one", ["success", "success", "success"]) },
    values: { "process.double[0]": 2, "process.double[2]": 6, "process.add_one[0]": 3, "process.add_one[1]": 5, "process.add_one[2]": 7 },
  },
  {
    name: "a task outside consuming the group's output gets every index's result in map-index order",
    dag: () => build("mtg_downstream", () => void summarize(processGroup.expand({ x: [1, 2, 3] }))),
    runState: "success",
    states: { ...each("process.double", ["success", "success", "success"]), ...each("process.add_one", ["success", "success", "success"]), summarize: "success" },
    received: { summarize: [3, 5, 7] },
  },
  {
    name: "an empty literal list skips every task of the group, and an all_success consumer",
    dag: () => build("mtg_empty", () => void summarize(processGroup.expand({ x: [] }))),
    runState: "success",
    states: { "process.double": "skipped", "process.add_one": "skipped", summarize: "skipped" },
  },
  {
    name: "an upstream output that is an empty list skips the group the same way",
    dag: () => build("mtg_empty_xcom", () => void summarize(processGroup.expand({ x: nothing() }))),
    runState: "success",
    states: { nothing: "success", "process.double": "skipped", "process.add_one": "skipped", summarize: "skipped" },
  },
  {
    name: "a failure at index 1 fails only index 1's downstream; outside, all_success is upstream_failed and all_done gets the rest",
    dag: () =>
      build("mtg_failure", () => {
        const out = processFailing.expand({ x: [1, 2, 3] });
        summarize(out);
        summarizeAllDone(out);
      }),
    runState: "failed",
    states: {
      ...each("process.double", ["success", "failed", "success"]),
      ...each("process.add_one", ["success", "upstream_failed", "success"]),
      summarize: "upstream_failed",
      all_done_consumer: "success",
    },
    received: { all_done_consumer: [3, 7] },
  },
  {
    name: "a task skipped at index 1 skips only index 1's downstream",
    dag: () => build("mtg_skip", () => void summarizeAllDone(skipping.expand({ x: [1, 2, 3] }))),
    runState: "success",
    states: { ...each("skipping.skip_two", ["success", "skipped", "success"]), ...each("skipping.add_one", ["success", "skipped", "success"]), all_done_consumer: "success" },
    received: { all_done_consumer: [2, 4] },
  },
  {
    name: "a branch inside the group follows its own choice at each map index",
    dag: () => build("mtg_branch", () => void branchy.expand({ x: [1, 2, 3] }).then(new EmptyOperator({ taskId: "after" }))),
    runState: "success",
    states: {
      ...each("branchy.pick", ["success", "success", "success"]),
      ...each("branchy.keep", ["success", "skipped", "success"]),
      ...each("branchy.other", ["skipped", "success", "skipped"]),
      ...each("branchy.join", ["success", "success", "success"]),
      after: "success",
    },
  },
  {
    name: "a short-circuit at index 1 skips only index 1's downstream; an all_success task outside is skipped by its rule",
    dag: () => build("mtg_short_circuit", () => void gated.expand({ x: [1, 2, 3] }).then(new EmptyOperator({ taskId: "outside" }))),
    runState: "success",
    states: { ...each("gated.gate", ["success", "success", "success"]), ...each("gated.after_gate", ["success", "skipped", "success"]), outside: "skipped" },
  },
  {
    name: "partial() fixes an argument and expand() maps another over an upstream output",
    dag: () => build("mtg_partial", () => void summarize(withFixed.partial({ y: 7 }).expand({ x: numbers() }))),
    runState: "success",
    states: { numbers: "success", ...each("with_fixed.combine", ["success", "success", "success"]), summarize: "success" },
    received: { summarize: [107, 207, 307] },
  },
  {
    name: "expandKwargs() runs the group once per argument object",
    dag: () => build("mtg_kwargs", () => void summarize(withFixed.expandKwargs([{ x: 1, y: 2 }, { x: 3, y: 4 }]))),
    runState: "success",
    states: { ...each("with_fixed.combine", ["success", "success"]), summarize: "success" },
    received: { summarize: [102, 304] },
  },
];

describe("mapped task groups run as in Airflow 2.10", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const run = await runDag(c.dag());
      expect(run.states).toEqual(c.states);
      expect(run.state).toBe(c.runState);
      for (const [taskId, value] of Object.entries(c.received ?? {})) expect(run.returnValue(taskId)).toEqual(value);
      for (const [ti, value] of Object.entries(c.values ?? {})) expect(run.xcoms[ti]?.return_value, ti).toEqual(value);
    });
  }
});

describe("declaring a mapped task group", () => {
  it("every task of the group expands with it; the mapped outputs are upstream of the group's first tasks", () => {
    const d = build("mtg_serialized", () => void summarize(withFixed.partial({ y: 7 }).expand({ x: numbers() })));
    const byId = Object.fromEntries(serializeDag(d).tasks.map((t) => [t.task_id, t]));
    expect(byId["with_fixed.combine"]).toMatchObject({
      mapped_group_id: "with_fixed",
      mapped: { kind: "expand", args: [{ name: "x", xcom: { task_id: "numbers", key: "return_value" } }] },
      upstream_task_ids: ["numbers"],
    });
    expect(byId.numbers.has_mapped_dependants).toBe(true);
    expect(byId.summarize).toMatchObject({ mapped_group_id: null, mapped: null, upstream_task_ids: ["with_fixed.combine"] });
    expect(serializeDag(d).task_groups).toContainEqual(expect.objectContaining({ group_id: "with_fixed", is_mapped: true }));
  });

  it("a task given a group argument depends on what the group maps over, as in Airflow", () => {
    const d = build("mtg_argument_dependency", () => {
      taskGroup.fn(function g({ x }: { x: number }) {
        addOne(combine(double(x), x));
      }).expand({ x: numbers() });
    });
    expect([...d.getTask("g.combine").upstreamTaskIds].sort()).toEqual(["g.double", "numbers"]);
  });

  it("calling a group function twice builds two groups, name and name__1, each returning its output", () => {
    const d = build("mtg_reuse", () => {
      const first = processGroup({ x: 1 });
      const second = processGroup.expand({ x: [2, 3] });
      expect(first.operator.taskId).toBe("process.add_one");
      expect(second.operator.taskId).toBe("process__1.add_one");
    });
    expect(d.taskGroups.get("process")?.mapped).toBeUndefined();
    expect(d.taskGroups.get("process__1")?.mapped).toBeDefined();
  });

  it("takes a task group's options, and override() gives the same function other ones", () => {
    const d = build("mtg_options", () => {
      const custom = taskGroup.fn({ groupId: "custom", defaultArgs: { retries: 2 } }, function named({ x }: { x: number }) {
        return double(x);
      });
      custom.expand({ x: [1] });
      custom.override({ groupId: "other" }).expand({ x: [2] });
    });
    expect([d.getTask("custom.double").retries, d.getTask("other.double").retries]).toEqual([2, 2]);
    expect(d.taskGroups.get("other")?.mapped).toBeDefined();
  });

  const definitionErrors: Array<[string, () => void, RegExp]> = [
    ["no argument to map over", () => void processGroup.expand({} as { x: number[] }), /Mapped task group "process": expand\(\) needs at least one argument/],
    ["a number where a list is expected", () => void processGroup.expand({ x: 3 as unknown as number[] }), /expand\(\) argument "x" must be a list, an object or a task output, got 3/],
    ["an argument both fixed and mapped", () => void withFixed.partial({ y: 1 }).expand({ x: [1], y: [2] } as { x: number[] }), /\["y"\] given to both partial\(\) and expand\(\)/],
    ["a mapped group in a mapped group", () => void taskGroup.fn(function outer({ x }: { x: number }) {
      processGroup.expand({ x: [x] });
    }).expand({ x: [1] }), /"process" is inside mapped task group "outer": Updraft does not nest mapped task groups/],
    ["a mapped task in a mapped group", () => void taskGroup.fn(function outer({ x }: { x: number }) {
      addOne.expand({ v: [x] } as never);
    }).expand({ x: [1] }), /Task "outer.add_one" is mapped inside mapped task group "outer"/],
    ["an async group function", () => void taskGroup.fn(async function later({ x }: { x: number }) {
      double(x);
    }).expand({ x: [1] }), /"later" returned a Promise: .*make it a plain \(not async\) function/],
    ["computing with a group argument", () => void taskGroup.fn(function math({ x }: { x: number }) {
      double(x * 2);
    }).expand({ x: [1] }), /"x" of mapped task group "math" has a value only when a task runs: pass it to a task/],
  ];
  for (const [what, declare, error] of definitionErrors) {
    it(`refuses ${what} with a message saying what to do`, () => {
      expect(() => build(`mtg_error_${what.replaceAll(" ", "_")}`, declare)).toThrow(error);
    });
  }

  it("an expandKwargs() object without an argument the group uses fails that index's task, naming the key", async () => {
    const run = await runDag(build("mtg_kwargs_missing", () => void withFixed.expandKwargs([{ x: 1, y: 2 }, { x: 3 }] as Array<{ x: number; y: number }>)));
    expect(run.states).toEqual(each("with_fixed.combine", ["success", "failed"]));
    expect(run.taskInstances.find((ti) => ti.mapIndex === 1)?.error).toMatch(/no argument "y" at map index 1: give every object of expandKwargs\(\) a "y" key/);
  });

  it("a task outside can also pull every index's value explicitly", async () => {
    let pulled: unknown;
    const report = task({ taskId: "report", triggerRule: "all_done" }, async () => {
      pulled = await getCurrentContext().ti.xcomPull({ taskIds: "process.add_one" });
    });
    const run = await runDag(build("mtg_pull", () => void processFailing.expand({ x: [1, 2, 3] }).then(report())));
    expect(run.states.report).toBe("success");
    expect(pulled).toEqual([3, 7]);
  });
});
