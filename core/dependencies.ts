import { dependencyLeavesOf, dependencyRootsOf } from "./base-operator.ts";
import { DagDefinitionError } from "./errors.ts";
import type { Dependable } from "./xcom-arg.ts";

/**
 * Airflow's `chain(a, [b, c], d)`: each element runs after the previous one. Two adjacent lists must have the same
 * length and are linked pairwise.
 */
export function chain(...elements: Dependable[]): void {
  for (let i = 0; i + 1 < elements.length; i++) {
    const left = elements[i];
    const right = elements[i + 1];
    if (Array.isArray(left) && Array.isArray(right)) {
      if (left.length !== right.length) {
        throw new DagDefinitionError(
          `chain() got adjacent lists of different lengths (${left.length} and ${right.length}); lists next to each other are linked pairwise, so they must be the same length.`,
        );
      }
      left.forEach((item: Dependable, j: number) => link(item, right[j]));
    } else {
      link(left, right);
    }
  }
}

/** Airflow's `cross_downstream(from, to)`: every task of `from` runs before every task of `to`. */
export function crossDownstream(from: readonly Dependable[], to: readonly Dependable[]): void {
  for (const upstream of from) for (const downstream of to) link(upstream, downstream);
}

function link(upstream: Dependable, downstream: Dependable): void {
  for (const source of dependencyLeavesOf(upstream)) {
    for (const target of dependencyRootsOf(downstream)) source.dag.addDependency(source, target);
  }
}
