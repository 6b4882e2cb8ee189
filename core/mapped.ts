import type { BaseOperator } from "./base-operator.ts";
import type { XComArg } from "./xcom-arg.ts";

/**
 * How a mapped task expands. `expand` maps several keyword arguments (cartesian product, last varying fastest);
 * `expand_kwargs` maps a list of argument objects, one task instance each. Values are literal lists/objects or an
 * upstream task's output.
 */
export type MappedSpec =
  | { kind: "expand"; fixed: Record<string, unknown>; mapped: Record<string, unknown[] | Record<string, unknown> | XComArg> }
  | { kind: "expand_kwargs"; fixed: Record<string, unknown>; source: Array<Record<string, unknown>> | XComArg };

/** Where a task's mapping comes from: its own `expand`, or the mapped task group it is in. */
export function mappingOf(task: BaseOperator): MappedSpec | undefined {
  return task.mapped ?? task.mappedGroup?.mapped;
}

/** The literal lists and upstream outputs a task is mapped over. */
export function mappingSources(spec: MappedSpec | undefined): unknown[] {
  if (!spec) return [];
  return spec.kind === "expand" ? Object.values(spec.mapped) : [spec.source];
}
