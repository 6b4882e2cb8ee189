import type { BaseOperator } from "./base-operator.ts";
import { DagDefinitionError } from "./errors.ts";
import { RETURN_VALUE_KEY } from "./types.ts";

/**
 * A reference to a task's XCom value, resolved when a downstream task runs. Passing one as an input to a task both
 * wires the dependency and passes the value. `T` is the value's type, so TaskFlow inputs are type-checked.
 */
export class XComArg<T = unknown> {
  declare readonly __type?: T;
  constructor(
    readonly operator: BaseOperator,
    readonly key: string = RETURN_VALUE_KEY,
  ) {}

  /** One key of a task with `multipleOutputs`. */
  get<K extends keyof T & string>(key: K): XComArg<T[K]> {
    return new XComArg<T[K]>(this.operator, key);
  }

  /** `a.then(b)`: b runs after a (Airflow's `a >> b`). Returns its argument for chaining. */
  then<D extends Dependable>(downstream: D): D {
    this.operator.then(downstream);
    return downstream;
  }

  toJSON(): object {
    return { xcom_arg: { task_id: this.operator.taskId, key: this.key } };
  }
}

/** Anything that can take part in a dependency: a task, a task group, a TaskFlow output, or a list of them. */
export type Dependable = { dependencyRoots(): BaseOperator[]; dependencyLeaves(): BaseOperator[] } | XComArg<any> | readonly Dependable[];

/**
 * An argument of a mapped task group: inside the group it stands for this map index's value of `name`
 * (Airflow's task-group function parameters under `.expand()`). `sources` are the upstream outputs the group maps
 * over: a task given this argument depends on them, as in Airflow.
 */
export class MappedArgument<T = unknown> {
  declare readonly __type?: T;
  constructor(
    readonly groupId: string,
    readonly name: string,
    readonly sources: readonly XComArg[] = [],
  ) {}

  toJSON(): object {
    return { mapped_argument: { group_id: this.groupId, name: this.name } };
  }

  /** The group function runs once, when the DAG is built: computing with an argument there would use no real value. */
  [Symbol.toPrimitive](): never {
    throw new DagDefinitionError(
      `"${this.name}" of mapped task group "${this.groupId}" has a value only when a task runs: pass it to a task (task(fn)(${this.name}), an operator argument) instead of computing with it in the group function.`,
    );
  }
}

export function isXComArg(value: unknown): value is XComArg {
  return value instanceof XComArg;
}

/** A task input: a plain value, an XComArg of the same type, or (for objects and arrays) a structure containing them. */
export type Input<T> =
  | XComArg<T>
  | MappedArgument<T>
  | (T extends readonly unknown[] ? { [I in keyof T]: Input<T[I]> } : T extends Date | ((...args: any[]) => any) ? T : T extends object ? { [K in keyof T]: Input<T[K]> } : T);

/** Every XComArg a value depends on (nested in arrays and plain objects, or behind a mapped task group argument), for wiring dependencies. */
export function collectXComArgs(value: unknown, found: XComArg[] = []): XComArg[] {
  if (value instanceof XComArg) found.push(value);
  else if (value instanceof MappedArgument) found.push(...value.sources);
  else if (Array.isArray(value)) for (const item of value) collectXComArgs(item, found);
  else if (isPlainObject(value)) for (const item of Object.values(value)) collectXComArgs(item, found);
  return found;
}

/** Replaces every nested XComArg (and mapped task group argument) by the value `resolve` gives for it. */
export async function resolveXComArgs(value: unknown, resolve: (arg: XComArg | MappedArgument) => Promise<unknown>): Promise<unknown> {
  if (value instanceof XComArg || value instanceof MappedArgument) return resolve(value);
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveXComArgs(item, resolve)));
  if (isPlainObject(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveXComArgs(v, resolve)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
