import type { WeightRule } from "../types.ts";

export interface PriorityTask {
  taskId: string;
  priorityWeight: number;
  weightRule: WeightRule;
  upstreamTaskIds: readonly string[];
  downstreamTaskIds: readonly string[];
}

// Airflow stores the effective weight in a 32-bit column and clamps it (2.10.4+, `db_safe_priority`).
export const MIN_PRIORITY_WEIGHT = -2_147_483_648;
export const MAX_PRIORITY_WEIGHT = 2_147_483_647;

/**
 * Effective priority weight of every task (Airflow's `priority_weight_total`): its own weight, plus the weight of every
 * task transitively downstream (`downstream`) or upstream (`upstream`) of it, each counted once; `absolute` is its own.
 */
export function priorityWeights(tasks: ReadonlyArray<PriorityTask>): Map<string, number> {
  const index = new Map<string, number>();
  tasks.forEach((task, i) => index.set(task.taskId, i));
  const weights = tasks.map((task) => task.priorityWeight);
  const uses = (rule: WeightRule) => tasks.some((task) => task.weightRule === rule);
  const downstream = uses("downstream") ? relativeWeightSums(tasks, index, weights, (t) => t.downstreamTaskIds) : null;
  const upstream = uses("upstream") ? relativeWeightSums(tasks, index, weights, (t) => t.upstreamTaskIds) : null;

  const result = new Map<string, number>();
  tasks.forEach((task, i) => {
    const relatives = task.weightRule === "downstream" ? downstream![i] : task.weightRule === "upstream" ? upstream![i] : 0;
    result.set(task.taskId, Math.min(MAX_PRIORITY_WEIGHT, Math.max(MIN_PRIORITY_WEIGHT, task.priorityWeight + relatives)));
  });
  return result;
}

/**
 * For every task, the summed weight of the distinct tasks reachable along `next`. Each task's reachable set is a bitset
 * built from its neighbours' sets in post-order, so a diamond is not walked once per path: time is about
 * edges × tasks / 32 plus the total size of the sets, memory tasks² / 8 bytes (12.5 MB for 10,000 tasks).
 */
function relativeWeightSums(
  tasks: ReadonlyArray<PriorityTask>,
  index: ReadonlyMap<string, number>,
  weights: readonly number[],
  next: (task: PriorityTask) => readonly string[],
): number[] {
  const n = tasks.length;
  const words = Math.ceil(n / 32);
  const edges = tasks.map((task) =>
    next(task).map((id) => {
      const j = index.get(id);
      if (j === undefined) throw new RangeError(`Task "${task.taskId}" refers to unknown task "${id}".`);
      return j;
    }),
  );
  // One buffer for all sets: one typed array per task made a cold 1,000-wide diamond take 20–55 ms (3–12 ms now).
  const reach = new Uint32Array(n * words);
  for (const v of postOrder(edges, tasks)) {
    const row = v * words;
    for (const c of edges[v]) {
      const childRow = c * words;
      for (let w = 0; w < words; w++) reach[row + w] |= reach[childRow + w];
      reach[row + (c >>> 5)] |= 1 << (c & 31);
    }
  }
  const sums = new Array<number>(n);
  for (let v = 0; v < n; v++) {
    let sum = 0;
    for (let w = 0; w < words; w++) {
      let word = reach[v * words + w];
      while (word !== 0) {
        const low = word & -word;
        sum += weights[(w << 5) + 31 - Math.clz32(low)];
        word ^= low;
      }
    }
    sums[v] = sum;
  }
  return sums;
}

/** Every node after all nodes reachable from it. Iterative, so long chains do not overflow the stack. */
function postOrder(edges: readonly (readonly number[])[], tasks: ReadonlyArray<PriorityTask>): number[] {
  const NEW = 0;
  const OPEN = 1;
  const DONE = 2;
  const mark = new Uint8Array(edges.length);
  const order: number[] = [];
  const stack: Array<[node: number, nextEdge: number]> = [];
  for (let root = 0; root < edges.length; root++) {
    if (mark[root] !== NEW) continue;
    mark[root] = OPEN;
    stack.push([root, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [v, e] = top;
      if (e < edges[v].length) {
        top[1] = e + 1;
        const c = edges[v][e];
        if (mark[c] === OPEN) throw new RangeError(`Tasks form a cycle through "${tasks[c].taskId}".`);
        if (mark[c] === NEW) {
          mark[c] = OPEN;
          stack.push([c, 0]);
        }
      } else {
        mark[v] = DONE;
        order.push(v);
        stack.pop();
      }
    }
  }
  return order;
}
