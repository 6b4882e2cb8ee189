import type { BuildContext } from "./build-dag.ts";
import { decoratorOf, type Decorator } from "./decorators.ts";
import { ConfigProblem, keyPathText, type KeyPath } from "./issues.ts";
import { isMapping } from "./merge.ts";
import { closestOperatorName, findOperator, type OperatorRegistration } from "./operator-registry.ts";
import {
  BASE_TASK_ARGUMENTS, FACTORY_TASK_KEYS, IGNORED_TASK_ARGUMENTS, checkKeys, variablesAsArguments, type Argument,
} from "./task-arguments.ts";

export type Entries = Record<string, Record<string, unknown>>;

/** A task ready to create: its kind, options and the references (other tasks' outputs) to resolve while building. */
export interface PreparedTask {
  id: string;
  path: KeyPath;
  group: string | undefined;
  registration?: OperatorRegistration;
  decorator?: Decorator;
  options: Record<string, unknown>;
  expand?: Record<string, unknown>;
  partial?: Record<string, unknown>;
  callArgs?: Record<string, unknown>;
  multipleOutputs: boolean;
}

export const BASE = new Set([...BASE_TASK_ARGUMENTS, ...IGNORED_TASK_ARGUMENTS, "timezone"]);

/** Sets an argument; a callback given one way (`on_success_callback`) replaces an inherited one given the other (`_name` + `_file`). */
export function assign(args: Map<string, Argument>, key: string, arg: Argument): void {
  const family = key.replace(/_(name|file)$/, "");
  const parent = keyPathText(arg.path.slice(0, -1));
  if (/_callback$|^python_callable$/.test(family)) {
    for (const k of [family, `${family}_name`, `${family}_file`]) {
      const other = args.get(k);
      if (other && keyPathText(other.path.slice(0, -1)) !== parent) args.delete(k);
    }
  }
  args.set(key, arg);
}

export function argumentsOf(mapping: Record<string, unknown>, base: KeyPath): Map<string, Argument> {
  return new Map(Object.entries(mapping).map(([k, value]) => [k, { value, path: [...base, k] }]));
}

export function onlyBase(args: Map<string, Argument>): Map<string, Argument> {
  return new Map([...args].filter(([k]) => BASE.has(k) || /^on_\w+_callback_(name|file)$/.test(k)));
}

/**
 * Everything about one task that can be known before the DAG is built: its operator or decorator, the arguments it
 * takes (its own, then inherited `default_args` its operator accepts), converted to options, and its mapping.
 */
export async function prepareTask(
  dagId: string, taskId: string, conf: Record<string, unknown>, group: string | undefined, inherited: Map<string, Argument>, ctx: BuildContext,
  convert: (args: Map<string, Argument>) => Promise<Record<string, unknown>>,
): Promise<PreparedTask> {
  const path: KeyPath = [dagId, "tasks", taskId];
  const own = argumentsOf(conf, path);
  let registration: OperatorRegistration | undefined;
  let decorator: Decorator | undefined;
  if (typeof conf.operator === "string") {
    registration = findOperator(conf.operator);
    if (!registration) {
      throw new ConfigProblem([...path, "operator"], `Unknown operator "${conf.operator}".`, {
        suggestion: closestOperatorName(conf.operator),
        expected: "an Airflow operator path Updraft knows (airflow.operators.bash.BashOperator, …), an Updraft operator name, or one registered with registerOperator()",
      });
    }
  } else {
    decorator = decoratorOf(String(conf.decorator), [...path, "decorator"]);
  }
  const operatorArgs = registration ? registration.arguments : decorator!.arguments;
  const accepted = new Set([...BASE, ...FACTORY_TASK_KEYS, ...(operatorArgs ?? [])]);
  if (registration && operatorArgs) checkKeys([...own].map(([k, a]) => [k, a.path]), accepted, registration.name);

  // default_args reach a task only for the arguments its operator takes (Airflow's apply_defaults).
  const inheritedFor = ([key]: [string, Argument]) =>
    /_callback_(name|file)$/.test(key) || (!FACTORY_TASK_KEYS.includes(key) && (operatorArgs === undefined || accepted.has(key)));
  const args = new Map([...inherited].filter(inheritedFor));
  const callArgs: Record<string, unknown> = {};
  for (const [key, arg] of own) {
    if (decorator && !accepted.has(key)) callArgs[key] = arg.value;
    else assign(args, key, arg);
  }
  const partial = isMapping(conf.partial) ? conf.partial : undefined;
  if (partial && registration) {
    for (const key of Object.keys(partial)) {
      if (own.has(key)) throw new ConfigProblem([...path, "partial", key], `"${key}" is set both in partial and on the task; keep one.`, { at: "key" });
      args.set(key, { value: partial[key], path: [...path, "partial", key] });
    }
  }
  for (const [key, value] of Object.entries(await variablesAsArguments(conf.variables_as_arguments))) args.set(key, { value, path: [...path, "variables_as_arguments"] });
  const options = await convert(args);
  if ((registration?.requiresCallable || decorator) && typeof options.pythonCallable !== "function") {
    throw new ConfigProblem(path, `${registration?.name ?? "A decorated task"} needs a function: python_callable_name + python_callable_file, or python_callable: "module.function".`, {
      expected: "python_callable_name and python_callable_file",
    });
  }
  return { id: taskId, path, group, registration, decorator, options, expand: isMapping(conf.expand) ? conf.expand : undefined, partial, callArgs, multipleOutputs: conf.multiple_outputs === true };
}

