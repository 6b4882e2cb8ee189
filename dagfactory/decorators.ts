import { closest } from "../core/suggest.ts";
import { task, type TaskFunction } from "../core/taskflow.ts";
import { SENSOR_ARGUMENTS } from "./builtin-operators.ts";
import { ConfigProblem, type KeyPath } from "./issues.ts";

type AnyTaskFunction = TaskFunction<any[], unknown>;

/** A TaskFlow decorator a YAML task can name, with the arguments it takes besides BaseOperator's. */
export interface Decorator {
  name: string;
  create(options: Record<string, unknown>, fn: (...args: any[]) => unknown): AnyTaskFunction;
  arguments: readonly string[];
}

const KINDS: Record<string, Decorator> = {
  task: { name: "task", create: (o, fn) => task(o, fn) as AnyTaskFunction, arguments: ["python_callable", "multiple_outputs"] },
  branch: { name: "task.branch", create: (o, fn) => task.branch(o, fn) as AnyTaskFunction, arguments: ["python_callable", "multiple_outputs"] },
  short_circuit: { name: "task.short_circuit", create: (o, fn) => task.shortCircuit(o, fn) as AnyTaskFunction, arguments: ["python_callable", "ignore_downstream_trigger_rules"] },
  sensor: { name: "task.sensor", create: (o, fn) => task.sensor(o, fn as (...args: any[]) => never) as unknown as AnyTaskFunction, arguments: ["python_callable", ...SENSOR_ARGUMENTS] },
};

const PREFIXES = ["airflow.decorators.task", "airflow.sdk.task", "airflow.sdk.definitions.decorators.task", "task"];
const NAMES = new Map<string, Decorator>([
  ...PREFIXES.flatMap((prefix) => [
    [prefix, KINDS.task] as const,
    [`${prefix}.branch`, KINDS.branch] as const,
    [`${prefix}.short_circuit`, KINDS.short_circuit] as const,
    [`${prefix}.sensor`, KINDS.sensor] as const,
  ]),
  ["airflow.decorators.branch_task", KINDS.branch],
  ["airflow.decorators.short_circuit_task", KINDS.short_circuit],
  ["airflow.decorators.sensor_task", KINDS.sensor],
]);

/** `decorator: airflow.decorators.task` (or `.branch`, `.short_circuit`, `.sensor`): Updraft's TaskFlow `task()`. */
export function decoratorOf(name: string, path: KeyPath): Decorator {
  const found = NAMES.get(name);
  if (!found) throw new ConfigProblem(path, `Unknown decorator "${name}".`, { suggestion: closest(name, NAMES.keys()), expected: "airflow.decorators.task (or .branch, .short_circuit, .sensor)" });
  return found;
}
