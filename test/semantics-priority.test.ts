import { describe, expect, it } from "vitest";
import { priorityWeights, type PriorityTask } from "../core/semantics/priority.ts";
import type { WeightRule } from "../core/types.ts";

/** Builds tasks from `a>>b` edges; every task defaults to weight 1 and the given rule. */
function dag(edges: string[], rule: WeightRule, overrides: Record<string, Partial<PriorityTask>> = {}): PriorityTask[] {
  const tasks = new Map<string, PriorityTask>();
  const task = (id: string) => {
    if (!tasks.has(id)) tasks.set(id, { taskId: id, priorityWeight: 1, weightRule: rule, upstreamTaskIds: [], downstreamTaskIds: [] });
    return tasks.get(id)!;
  };
  for (const edge of edges) {
    const [from, to] = edge.split(">>");
    (task(from).downstreamTaskIds as string[]).push(to);
    (task(to).upstreamTaskIds as string[]).push(from);
  }
  for (const [id, o] of Object.entries(overrides)) Object.assign(task(id), o);
  return [...tasks.values()];
}

const weights = (tasks: PriorityTask[]) => Object.fromEntries(priorityWeights(tasks));

describe("priorityWeights (Airflow 2.10 priority_weight_total)", () => {
  it.each<[string, PriorityTask[], Record<string, number>]>([
    ["chain a→b→c, downstream", dag(["a>>b", "b>>c"], "downstream"), { a: 3, b: 2, c: 1 }],
    ["chain a→b→c, upstream", dag(["a>>b", "b>>c"], "upstream"), { a: 1, b: 2, c: 3 }],
    ["chain a→b→c, absolute", dag(["a>>b", "b>>c"], "absolute"), { a: 1, b: 1, c: 1 }],
    ["diamond, downstream: the join counts once", dag(["a>>b", "a>>c", "b>>d", "c>>d"], "downstream"), { a: 4, b: 2, c: 2, d: 1 }],
    ["diamond, upstream: the root counts once", dag(["a>>b", "a>>c", "b>>d", "c>>d"], "upstream"), { a: 1, b: 2, c: 2, d: 4 }],
    [
      "own weights are summed",
      dag(["a>>b", "b>>c"], "downstream", { a: { priorityWeight: 10 }, b: { priorityWeight: 5 }, c: { priorityWeight: 2 } }),
      { a: 17, b: 7, c: 2 },
    ],
    [
      "negative and zero weights",
      dag(["a>>b", "b>>c"], "downstream", { a: { priorityWeight: 0 }, b: { priorityWeight: -4 } }),
      { a: -3, b: -3, c: 1 },
    ],
    [
      "each task follows its own rule, summing relatives' own weights",
      dag(["a>>b", "b>>c"], "downstream", {
        b: { weightRule: "upstream", priorityWeight: 5 },
        c: { weightRule: "absolute", priorityWeight: 7 },
      }),
      { a: 13, b: 6, c: 7 },
    ],
    [
      "a long way round is still counted once (a→b→c→d and a→d)",
      dag(["a>>b", "b>>c", "c>>d", "a>>d"], "downstream"),
      { a: 4, b: 3, c: 2, d: 1 },
    ],
    [
      "disconnected tasks keep their own weight",
      [
        ...dag(["a>>b"], "downstream"),
        { taskId: "lonely", priorityWeight: 9, weightRule: "downstream", upstreamTaskIds: [], downstreamTaskIds: [] },
      ],
      { a: 2, b: 1, lonely: 9 },
    ],
    [
      "clamped to the 32-bit range (Airflow db_safe_priority)",
      dag(["a>>b", "c>>d"], "downstream", {
        a: { priorityWeight: 2_147_483_647 },
        b: { priorityWeight: 2_147_483_647 },
        c: { priorityWeight: -2_147_483_648 },
        d: { priorityWeight: -5 },
      }),
      { a: 2_147_483_647, b: 2_147_483_647, c: -2_147_483_648, d: -5 },
    ],
  ])("%s", (_situation, tasks, expected) => {
    expect(weights(tasks)).toEqual(expected);
  });

  // Speed is measured in bench/priority-weights.ts, not here.
  it("counts the join of a 1,000-wide diamond once", () => {
    const edges: string[] = [];
    for (let i = 0; i < 1000; i++) edges.push(`start>>mid${i}`, `mid${i}>>end`);
    const downWeights = priorityWeights(dag(edges, "downstream"));
    const upWeights = priorityWeights(dag(edges, "upstream"));
    expect(downWeights.get("start")).toBe(1002);
    expect(downWeights.get("mid500")).toBe(2);
    expect(downWeights.get("end")).toBe(1);
    expect(upWeights.get("end")).toBe(1002);
    expect(upWeights.get("mid999")).toBe(2);
  });

  it("handles a 1,000-task chain without deep recursion", () => {
    const edges = Array.from({ length: 999 }, (_, i) => `t${i}>>t${i + 1}`);
    const result = priorityWeights(dag(edges, "downstream"));
    expect(result.get("t0")).toBe(1000);
    expect(result.get("t998")).toBe(2);
    expect(result.get("t999")).toBe(1);
  });

  it("handles two fully connected 300-wide layers", () => {
    const edges: string[] = [];
    for (let i = 0; i < 300; i++) for (let j = 0; j < 300; j++) edges.push(`l${i}>>r${j}`);
    for (let j = 0; j < 300; j++) edges.push(`r${j}>>sink`);
    const result = priorityWeights(dag(edges, "downstream"));
    expect(result.get("l0")).toBe(302);
    expect(result.get("r0")).toBe(2);
  });

  it("weighs a 5,000-task fan-out/fan-in", () => {
    const edges: string[] = [];
    for (let i = 0; i < 5000; i++) edges.push(`start>>mid${i}`, `mid${i}>>end`);
    const result = priorityWeights(dag(edges, "downstream"));
    expect(result.get("start")).toBe(5002);
  });

  it("rejects a cycle and an unknown relative", () => {
    expect(() => priorityWeights(dag(["a>>b", "b>>c", "c>>a"], "downstream"))).toThrow(/cycle/);
    const unknown: PriorityTask[] = [
      { taskId: "a", priorityWeight: 1, weightRule: "downstream", upstreamTaskIds: [], downstreamTaskIds: ["ghost"] },
    ];
    expect(() => priorityWeights(unknown)).toThrow(/unknown task "ghost"/);
  });
});
