import { currentDag, currentTaskGroup, withTaskGroup } from "./dag-context.ts";
import { DagDefinitionError } from "./errors.ts";
import { checkExpandArguments, mappingSources, type MappedSpec, type MappedValues } from "./mapped.ts";
import { buildTaskGroup, TaskGroup, type TaskGroupOptions } from "./task-group.ts";
import { uniqueChildId } from "./taskflow.ts";
import { collectXComArgs, isPlainObject, isXComArg, MappedArgument, type Input, type XComArg } from "./xcom-arg.ts";

/** A task group's options; the group id defaults to the function's name. */
export type TaskGroupFunctionOptions = Omit<TaskGroupOptions, "groupId"> & { groupId?: string };

type GroupInputs<P> = { [K in keyof P]: Input<P[K]> };
type MappedInputs<P> = { [K in keyof P]: MappedValues<P[K]> };
type KwargsSource<P> = ReadonlyArray<GroupInputs<P>> | XComArg<readonly P[]> | XComArg<P[]>;
/** Keys of `F` that `P` lacks become `never`, so a misspelt partial argument is a type error. */
type Known<F, P> = F & { [K in Exclude<keyof F, keyof P>]: never };

/** Calling a group function gives what it returned (a task's output, to consume or chain), or the group itself. */
export type GroupOutput<R> = [R] extends [void | undefined] ? TaskGroup : R;
/** Expanding it turns a returned task output into the list of every map index's value, in map-index order. */
export type MappedGroupOutput<R> = [R] extends [void | undefined] ? TaskGroup : R extends XComArg<infer T> ? XComArg<T[]> : R;

/**
 * A TaskFlow-style task group (Airflow's `@task_group` function). Calling it builds the group once; `expand`,
 * `partial(...).expand` and `expandKwargs` build a mapped task group, in which every task runs once per map index.
 */
export interface TaskGroupFunction<P, R> {
  (...args: {} extends GroupInputs<P> ? [args?: GroupInputs<P>] : [args: GroupInputs<P>]): GroupOutput<R>;
  readonly groupId: string;
  /** Same function, other group options (e.g. another groupId to use it twice). */
  override(options: TaskGroupFunctionOptions): TaskGroupFunction<P, R>;
  /** One run of the group per element (or per combination, with several arguments). */
  expand(mapped: MappedInputs<P>): MappedGroupOutput<R>;
  /** One run of the group per argument object. */
  expandKwargs(source: KwargsSource<P>): MappedGroupOutput<R>;
  /** Fixes some arguments for every map index; the rest are mapped. */
  partial<F extends Partial<GroupInputs<P>>>(fixed: Known<F, P>): {
    expand(mapped: MappedInputs<Omit<P, keyof F>>): MappedGroupOutput<R>;
    expandKwargs(source: KwargsSource<Omit<P, keyof F>>): MappedGroupOutput<R>;
  };
}

type Arguments = Record<string, unknown>;

function makeGroupFunction<P, R>(fn: (args: P) => R, options: TaskGroupFunctionOptions): TaskGroupFunction<P, R> {
  const baseId = options.groupId ?? fn.name;
  if (!baseId) {
    throw new DagDefinitionError("A task group function needs a name: use a named function (function per_file({ file }) {…}) or pass { groupId }.");
  }

  /** Airflow's `_create_task_group`: ids get `__1`, `__2` on reuse, and the function's return value is forwarded. */
  const build = (argumentsFor: (group: TaskGroup) => Arguments, mapping?: MappedSpec): unknown => {
    const dag = currentDag();
    if (!dag) throw new DagDefinitionError(`Task group "${baseId}" was called outside a DAG: call it inside dag({...}, () => { ... }).`);
    const parent = currentTaskGroup();
    if (mapping && parent?.mappedGroup) {
      throw new DagDefinitionError(`Mapped task group "${baseId}" is inside mapped task group "${parent.mappedGroup.groupId}": Updraft does not nest mapped task groups.`);
    }
    const groupId = uniqueChildId((id) => dag.taskGroups.has(id) || dag.tasks.has(id), baseId, parent);
    const group = new TaskGroup({ ...options, groupId });
    group.mapped = mapping;
    const result = withTaskGroup(group, () => fn(argumentsFor(group) as P));
    if (result instanceof Promise) {
      result.catch(() => {});
      throw new DagDefinitionError(`Task group function "${baseId}" returned a Promise: it only declares tasks when the DAG is built, so make it a plain (not async) function.`);
    }
    // Airflow's MappedTaskGroup.__exit__: the group's first tasks wait for the outputs it maps over.
    if (mapping) for (const source of collectXComArgs(mappingSources(mapping))) for (const root of group.dependencyRoots()) dag.addDependency(source.operator, root);
    return result === undefined || result === null ? group : result;
  };

  const expandWith = (fixed: Arguments, mapped: Arguments) => {
    const where = `Mapped task group "${baseId}"`;
    checkExpandArguments(where, mapped);
    const repeated = Object.keys(mapped).filter((name) => name in fixed);
    if (repeated.length) throw new DagDefinitionError(`${where}: ${JSON.stringify(repeated)} given to both partial() and expand(); give each argument once.`);
    const spec: MappedSpec = { kind: "expand", fixed, mapped: mapped as Extract<MappedSpec, { kind: "expand" }>["mapped"] };
    const sources = collectXComArgs(mappingSources(spec));
    return build((group) => ({ ...fixed, ...Object.fromEntries(Object.keys(mapped).map((name) => [name, new MappedArgument(group.groupId, name, sources)])) }), spec);
  };

  const expandKwargsWith = (fixed: Arguments, source: unknown) => {
    const valid = isXComArg(source) || (Array.isArray(source) && source.every((item) => isXComArg(item) || isPlainObject(item)));
    if (!valid) throw new DagDefinitionError(`Mapped task group "${baseId}": expandKwargs() takes a list of argument objects or a task output.`);
    const spec: MappedSpec = { kind: "expand_kwargs", fixed, source: source as Extract<MappedSpec, { kind: "expand_kwargs" }>["source"] };
    const sources = collectXComArgs(mappingSources(spec));
    // Which arguments the function reads is only known when it reads them: every one not fixed is mapped.
    return build((group) => new Proxy({ ...fixed }, {
      get: (target, name, receiver) =>
        typeof name === "string" && !(name in target) ? new MappedArgument(group.groupId, name, sources) : Reflect.get(target, name, receiver),
    }), spec);
  };

  const call = (args?: Arguments) => build(() => args ?? {});
  return Object.assign(call, {
    groupId: baseId,
    override: (more: TaskGroupFunctionOptions) => makeGroupFunction(fn, { ...options, ...more }),
    expand: (mapped: Arguments) => expandWith({}, mapped),
    expandKwargs: (source: unknown) => expandKwargsWith({}, source),
    partial: (fixed: Arguments) => ({
      expand: (mapped: Arguments) => expandWith(fixed, mapped),
      expandKwargs: (source: unknown) => expandKwargsWith(fixed, source),
    }),
  }) as unknown as TaskGroupFunction<P, R>;
}

type GroupFunctionDecorator = {
  <P = {}, R = void>(fn: (args: P) => R): TaskGroupFunction<P, R>;
  <P = {}, R = void>(options: TaskGroupFunctionOptions | string, fn: (args: P) => R): TaskGroupFunction<P, R>;
};

const groupFunction: GroupFunctionDecorator = (first: unknown, second?: unknown) => {
  const [options, fn] = typeof first === "function" ? [{}, first] : [typeof first === "string" ? { groupId: first } : first, second];
  if (typeof fn !== "function") throw new DagDefinitionError("taskGroup.fn() needs a function: taskGroup.fn(function name({ x }) { … }) or taskGroup.fn({ groupId }, fn).");
  return makeGroupFunction(fn as (args: unknown) => unknown, options as TaskGroupFunctionOptions);
};

/**
 * Task groups. `taskGroup(options, () => { … })` builds a group now (Airflow's `with TaskGroup(...)`).
 * `taskGroup.fn(function name({ x }: { x: number }) { … })` makes a group function (Airflow's `@task_group`): call it
 * to build the group, or map it — `.expand({ x: [1, 2, 3] })`, `.partial({ y }).expand({ x })`, `.expandKwargs([...])`.
 * Inside a mapped group each argument stands for one map index's value: pass it to tasks, don't compute with it.
 *
 * ```ts
 * const perFile = taskGroup.fn(function per_file({ file }: { file: string }) {
 *   return check(load(file));
 * });
 * report(perFile.expand({ file: listFiles() }));   // report gets every file's check result, in map-index order
 * ```
 */
export const taskGroup = Object.assign(
  (options: TaskGroupOptions | string, build: (group: TaskGroup) => void): TaskGroup => buildTaskGroup(options, build),
  { fn: groupFunction },
);
