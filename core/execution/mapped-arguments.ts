import type { BaseOperator } from "../base-operator.ts";
import type { MappedSpec } from "../mapped.ts";
import type { TaskRuntime } from "../runtime.ts";
import { mappableValues, mappedKwargsAt } from "../semantics/mapping.ts";
import { isPlainObject, MappedArgument, resolveXComArgs, XComArg } from "../xcom-arg.ts";

/** The arguments of one map index of a mapping (a mapped task's, or its mapped task group's), upstream outputs pulled from XCom. */
export async function resolveMappedArguments(spec: MappedSpec, where: string, mapIndex: number, runtime: TaskRuntime): Promise<Record<string, unknown>> {
  const values = async (source: unknown): Promise<unknown[]> => {
    const value = source instanceof XComArg ? await runtime.xcomPull({ taskIds: source.operator.taskId, key: source.key }) : source;
    return mappableValues(value);
  };
  const resolveNested = (value: unknown) =>
    resolveXComArgs(value, (arg) => (arg instanceof XComArg ? runtime.xcomPull({ taskIds: arg.operator.taskId, key: arg.key }) : Promise.resolve(undefined)));
  if (spec.kind === "expand") {
    const mapped = await Promise.all(Object.entries(spec.mapped).map(async ([name, source]) => ({ name, values: await values(source) })));
    return (await resolveNested(mappedKwargsAt(mapIndex, mapped))) as Record<string, unknown>;
  }
  const item = (await values(spec.source))[mapIndex];
  if (!isPlainObject(item)) {
    throw new TypeError(`${where} uses expandKwargs, so each element must be an object of arguments; element ${mapIndex} is ${JSON.stringify(item)}.`);
  }
  return (await resolveNested(item)) as Record<string, unknown>;
}

/**
 * Resolves an XComArg or mapped task group argument for one TI: a group argument is this map index's value; the output
 * of a task in the same mapped task group is that task's value for this map index; any other output is pulled whole.
 */
export async function resolveInput(task: BaseOperator, arg: XComArg | MappedArgument, mapIndex: number, runtime: TaskRuntime): Promise<unknown> {
  const group = task.mappedGroup;
  if (arg instanceof MappedArgument) {
    if (!group || group.groupId !== arg.groupId || !group.mapped) {
      throw new Error(`Task "${task.taskId}" uses argument "${arg.name}" of mapped task group "${arg.groupId}" from outside that group.`);
    }
    const kwargs = await resolveMappedArguments(group.mapped, `Mapped task group "${group.groupId}"`, mapIndex, runtime);
    // Only expandKwargs can lack one: Airflow fails the task with a KeyError.
    if (!(arg.name in kwargs)) {
      throw new TypeError(`Mapped task group "${group.groupId}" has no argument "${arg.name}" at map index ${mapIndex}: give every object of expandKwargs() a "${arg.name}" key, or fix it with partial().`);
    }
    return kwargs[arg.name];
  }
  const sameGroup = group !== undefined && arg.operator.mappedGroup === group;
  return runtime.xcomPull({ taskIds: arg.operator.taskId, key: arg.key, ...(sameGroup ? { mapIndexes: mapIndex } : {}) });
}
