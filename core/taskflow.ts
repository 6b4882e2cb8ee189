import { BaseOperator, type TaskOptions } from "./base-operator.ts";
import { followBranches, shortCircuit } from "./branching.ts";
import type { TaskContext } from "./context.ts";
import { runWithContext } from "./current-context.ts";
import { currentDag, currentTaskGroup } from "./dag-context.ts";
import { DagDefinitionError } from "./errors.ts";
import { checkExpandArguments, refuseMappingInMappedGroup, type MappedSpec, type MappedValues } from "./mapped.ts";
import { BaseSensorOperator, type PokeResult, type SensorOptions } from "./sensor.ts";
import { collectXComArgs, isXComArg, XComArg, type Input } from "./xcom-arg.ts";

type AnyFn = (...args: any[]) => unknown;
export type TaskflowOptions = Omit<TaskOptions, "taskId"> & { taskId?: string; multipleOutputs?: boolean };

type FirstArg<A extends unknown[]> = A extends [infer O, ...unknown[]] ? (O extends object ? O : never) : never;

/** A TaskFlow task: call it with values or other tasks' outputs to add it to the DAG being built. */
export interface TaskFunction<A extends unknown[], R> {
  (...args: { [I in keyof A]: Input<A[I]> }): XComArg<R>;
  readonly taskId: string;
  /** Same function, other task options (e.g. another taskId to use it twice). */
  override(options: TaskflowOptions): TaskFunction<A, R>;
  /** One task instance per element (or per combination, with several keys): `add.expand({ x: [1, 2, 3] })`. */
  expand(mapped: { [K in keyof FirstArg<A>]?: MappedValues<FirstArg<A>[K]> }): XComArg<R[]>;
  /** One task instance per argument object. */
  expandKwargs(source: ReadonlyArray<Input<FirstArg<A>>> | XComArg<ReadonlyArray<FirstArg<A>>> | XComArg<FirstArg<A>[]>): XComArg<R[]>;
  /** Fixes some arguments for every mapped instance. */
  partial(fixed: { [K in keyof FirstArg<A>]?: Input<FirstArg<A>[K]> }): {
    expand(mapped: { [K in keyof FirstArg<A>]?: MappedValues<FirstArg<A>[K]> }): XComArg<R[]>;
    expandKwargs(source: ReadonlyArray<Partial<Input<FirstArg<A>>>> | XComArg<ReadonlyArray<Partial<FirstArg<A>>>>): XComArg<R[]>;
  };
}

/** The operator behind a TaskFlow task: calls the function with resolved arguments. */
export class TaskflowOperator<R = unknown> extends BaseOperator<R> {
  static override templateFields: readonly string[] = ["callArgs"];
  callArgs: unknown[];
  readonly callable: AnyFn;
  readonly multipleOutputs: boolean;

  constructor(options: TaskOptions & { callable: AnyFn; callArgs: unknown[]; multipleOutputs?: boolean }) {
    super(options);
    this.callable = options.callable;
    this.callArgs = options.callArgs;
    this.multipleOutputs = options.multipleOutputs ?? false;
  }

  override get operatorName(): string {
    return "@task";
  }

  override execute(context: TaskContext): Promise<R> {
    return runWithContext(context, async () => (await this.callable(...this.callArgs)) as R);
  }

  override withMappedArguments(kwargs: Record<string, unknown>): this {
    const first = this.callArgs[0];
    const base = first && typeof first === "object" && !Array.isArray(first) ? first : {};
    return this.withProperties({ callArgs: [{ ...base, ...kwargs }, ...this.callArgs.slice(1)] });
  }
}

export class BranchTaskflowOperator extends TaskflowOperator {
  override get operatorName(): string {
    return "@task.branch";
  }

  override async execute(context: TaskContext): Promise<unknown> {
    const chosen = await super.execute(context);
    await followBranches(context, this, chosen);
    return chosen;
  }
}

export class ShortCircuitTaskflowOperator extends TaskflowOperator {
  readonly ignoreDownstreamTriggerRules: boolean;

  constructor(options: ConstructorParameters<typeof TaskflowOperator>[0] & { ignoreDownstreamTriggerRules?: boolean }) {
    super(options);
    this.ignoreDownstreamTriggerRules = options.ignoreDownstreamTriggerRules ?? true;
  }

  override get operatorName(): string {
    return "@task.short_circuit";
  }

  override async execute(context: TaskContext): Promise<unknown> {
    const condition = await super.execute(context);
    if (!condition) await shortCircuit(context, this, this.ignoreDownstreamTriggerRules);
    return condition;
  }
}

export class SensorTaskflowOperator extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["callArgs"];
  callArgs: unknown[];
  readonly callable: AnyFn;

  constructor(options: SensorOptions & { callable: AnyFn; callArgs: unknown[] }) {
    super(options);
    this.callable = options.callable;
    this.callArgs = options.callArgs;
  }

  override get operatorName(): string {
    return "@task.sensor";
  }

  override poke(context: TaskContext): Promise<PokeResult> {
    return runWithContext(context, async () => (await this.callable(...this.callArgs)) as PokeResult);
  }
}

type OperatorFactory = (options: TaskOptions & { callable: AnyFn; callArgs: unknown[] }) => BaseOperator;

function makeTaskFunction<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: TaskflowOptions,
  factory: OperatorFactory,
): TaskFunction<A, Awaited<R>> {
  const baseId = options.taskId ?? fn.name;
  if (!baseId) {
    throw new DagDefinitionError("A TaskFlow task needs a name: use a named function (async function extract() {…}) or pass { taskId }.");
  }

  const create = (callArgs: unknown[], mapped?: MappedSpec): BaseOperator => {
    const dag = options.dag ?? currentDag();
    if (!dag) throw new DagDefinitionError(`Task "${baseId}" was called outside a DAG: call it inside dag({...}, () => { ... }).`);
    const { multipleOutputs, taskId: _ignored, ...taskOptions } = options;
    const operator = factory({
      ...taskOptions,
      taskId: uniqueChildId((id) => dag.tasks.has(id), baseId, options.taskGroup ?? currentTaskGroup()),
      callable: fn as AnyFn,
      callArgs,
      ...(multipleOutputs ? { multipleOutputs } : {}),
    } as TaskOptions & { callable: AnyFn; callArgs: unknown[] });
    operator.mapped = mapped;
    refuseMappingInMappedGroup(operator);
    for (const arg of collectXComArgs(callArgs)) arg.operator.then(operator);
    if (mapped) for (const arg of collectXComArgs(mapped.kind === "expand" ? mapped.mapped : mapped.source)) arg.operator.then(operator);
    return operator;
  };

  const expandWith = (fixed: Record<string, unknown>, mapped: Record<string, unknown>) => {
    checkExpandArguments(`Task "${baseId}"`, mapped);
    const operator = create([fixed], { kind: "expand", fixed, mapped: mapped as Extract<MappedSpec, { kind: "expand" }>["mapped"] });
    return new XComArg(operator);
  };
  const expandKwargsWith = (fixed: Record<string, unknown>, source: unknown) => {
    if (!isXComArg(source) && !Array.isArray(source)) {
      throw new DagDefinitionError(`Task "${baseId}": expandKwargs() takes a list of argument objects or a task output.`);
    }
    const operator = create([fixed], { kind: "expand_kwargs", fixed, source: source as Extract<MappedSpec, { kind: "expand_kwargs" }>["source"] });
    return new XComArg(operator);
  };

  const call = (...args: unknown[]) => new XComArg(create(args));
  return Object.assign(call, {
    taskId: baseId,
    override: (more: TaskflowOptions) => makeTaskFunction(fn, { ...options, ...more }, factory),
    expand: (mapped: Record<string, unknown>) => expandWith({}, mapped),
    expandKwargs: (source: unknown) => expandKwargsWith({}, source),
    partial: (fixed: Record<string, unknown>) => ({
      expand: (mapped: Record<string, unknown>) => expandWith(fixed, mapped),
      expandKwargs: (source: unknown) => expandKwargsWith(fixed, source),
    }),
  }) as unknown as TaskFunction<A, Awaited<R>>;
}

/** Airflow names a decorated task (or `@task_group` function) used twice `name__1`, `name__2`, … */
export function uniqueChildId(taken: (fullId: string) => boolean, baseId: string, group: { childId(id: string): string } | undefined): string {
  const full = (id: string) => (group ? group.childId(id) : id);
  if (!taken(full(baseId))) return baseId;
  let n = 1;
  while (taken(full(`${baseId}__${n}`))) n++;
  return `${baseId}__${n}`;
}

type TaskDecorator = {
  <A extends unknown[], R>(fn: (...args: A) => R | Promise<R>): TaskFunction<A, Awaited<R>>;
  <A extends unknown[], R>(options: TaskflowOptions | string, fn: (...args: A) => R | Promise<R>): TaskFunction<A, Awaited<R>>;
};

function decorator(factory: OperatorFactory): TaskDecorator {
  return ((first: unknown, second?: unknown) => {
    const [options, fn] =
      typeof first === "function" ? [{}, first] : [typeof first === "string" ? { taskId: first } : first, second];
    if (typeof fn !== "function") throw new DagDefinitionError("task() needs a function: task(async function name() { … }) or task({ taskId }, fn).");
    return makeTaskFunction(fn as AnyFn, options as TaskflowOptions, factory);
  }) as TaskDecorator;
}

const plain = decorator((options) => new TaskflowOperator(options));

/**
 * TaskFlow: `task(fn)` makes a task of an async function. Calling it with other tasks' outputs wires dependencies and
 * passes values through XCom; types flow from one task to the next.
 */
export const task = Object.assign(plain, {
  /** The function returns the task id(s) or task group id(s) to follow; other direct downstream tasks are skipped. */
  branch: decorator((options) => new BranchTaskflowOperator(options)),
  /** A falsy result skips downstream tasks (all of them, unless `ignoreDownstreamTriggerRules: false`). */
  shortCircuit: ((first: unknown, second?: unknown) => {
    const [options, fn] = typeof first === "function" ? [{}, first] : [typeof first === "string" ? { taskId: first } : first, second];
    const { ignoreDownstreamTriggerRules, ...rest } = options as TaskflowOptions & { ignoreDownstreamTriggerRules?: boolean };
    return makeTaskFunction(fn as AnyFn, rest, (o) => new ShortCircuitTaskflowOperator({ ...o, ignoreDownstreamTriggerRules }));
  }) as <A extends unknown[], R>(
    options: (TaskflowOptions & { ignoreDownstreamTriggerRules?: boolean }) | string | ((...args: A) => R | Promise<R>),
    fn?: (...args: A) => R | Promise<R>,
  ) => TaskFunction<A, Awaited<R>>,
  /** The function is a sensor's poke: return true (or `{ isDone, xcomValue }`) when the condition is met. */
  sensor: ((first: unknown, second?: unknown) => {
    const [options, fn] = typeof first === "function" ? [{}, first] : [typeof first === "string" ? { taskId: first } : first, second];
    return makeTaskFunction(fn as AnyFn, options as TaskflowOptions, (o) => new SensorTaskflowOperator(o as SensorOptions & { callable: AnyFn; callArgs: unknown[] }));
  }) as <A extends unknown[]>(
    options: (TaskflowOptions & Omit<SensorOptions, "taskId">) | string | ((...args: A) => PokeResult | Promise<PokeResult>),
    fn?: (...args: A) => PokeResult | Promise<PokeResult>,
  ) => TaskFunction<A, unknown>,
});
