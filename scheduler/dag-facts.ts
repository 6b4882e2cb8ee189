import type { SerializedDag } from "../core/serialization.ts";

/** What the scheduler asks of a DAG's shape on every event, worked out once per serialized version. */
export interface DagFacts {
  /** A task waits for the previous run (depends_on_past, which wait_for_downstream implies). */
  dependsOnPast: boolean;
  /** Tasks expanded at run time: mapped tasks and the tasks of mapped task groups. */
  mappedTaskIds: ReadonlySet<string>;
}

// Keyed by the cached SerializedDag object: a new version is a new object, so nothing goes stale.
const facts = new WeakMap<SerializedDag, DagFacts>();

export function dagFacts(dag: SerializedDag): DagFacts {
  let known = facts.get(dag);
  if (!known) {
    known = {
      dependsOnPast: dag.tasks.some((t) => t.depends_on_past),
      mappedTaskIds: new Set(dag.tasks.filter((t) => t.mapped || t.mapped_group_id).map((t) => t.task_id)),
    };
    facts.set(dag, known);
  }
  return known;
}
