import type { BaseOperator } from "./base-operator.ts";
import { DagDefinitionError } from "./errors.ts";
import { isXComArg, type XComArg } from "./xcom-arg.ts";

/**
 * How a mapped task expands. `expand` maps several keyword arguments (cartesian product, last varying fastest);
 * `expand_kwargs` maps a list of argument objects, one task instance each. Values are literal lists/objects or an
 * upstream task's output.
 */
export type MappedSpec =
  | { kind: "expand"; fixed: Record<string, unknown>; mapped: Record<string, unknown[] | Record<string, unknown> | XComArg> }
  | { kind: "expand_kwargs"; fixed: Record<string, unknown>; source: Array<Record<string, unknown>> | XComArg };

/**
 * What one mapped argument may be given: a literal list or an upstream output that is a list (null items, which
 * Airflow drops when a mapped task returned nothing, allowed).
 */
export type MappedValues<T> = readonly T[] | XComArg<readonly (T | null)[]> | XComArg<(T | null)[]>;

/** Where a task's mapping comes from: its own `expand`, or the mapped task group it is in. */
export function mappingOf(task: BaseOperator): MappedSpec | undefined {
  return task.mapped ?? task.mappedGroup?.mapped;
}

/** The literal lists and upstream outputs a task is mapped over. */
export function mappingSources(spec: MappedSpec | undefined): unknown[] {
  if (!spec) return [];
  return spec.kind === "expand" ? Object.values(spec.mapped) : [spec.source];
}

/** A task inside a mapped task group already runs once per map index of the group; mapping it again is not supported. */
export function refuseMappingInMappedGroup(task: BaseOperator): void {
  const group = task.mappedGroup;
  if (task.mapped && group) {
    throw new DagDefinitionError(
      `Task "${task.taskId}" is mapped inside mapped task group "${group.groupId}": Updraft does not map tasks inside a mapped task group yet. Map the group over every combination instead, or call the task unmapped.`,
    );
  }
}

/** Airflow's checks when `expand()` is called: at least one argument, each a list, an object or a task output. */
export function checkExpandArguments(where: string, mapped: Record<string, unknown>): void {
  if (Object.keys(mapped).length === 0) throw new DagDefinitionError(`${where}: expand() needs at least one argument to map over.`);
  for (const [name, values] of Object.entries(mapped)) {
    if (!isXComArg(values) && (typeof values !== "object" || values === null)) {
      throw new DagDefinitionError(`${where}: expand() argument "${name}" must be a list, an object or a task output, got ${JSON.stringify(values)}.`);
    }
  }
}
