import type { BaseOperator } from "../core/base-operator.ts";
import { closest } from "../core/suggest.ts";

/** An operator class YAML configs can name. Mapping (`expand`) uses its static `partial`. */
export type OperatorClass = (new (options: any) => BaseOperator) & Pick<typeof BaseOperator, "partial">;

export interface OperatorRegistration {
  /** The first name it was registered under (Updraft's class name for the built-in ones). */
  name: string;
  operator: OperatorClass;
  /** Its own arguments beyond BaseOperator's, snake_case as written in YAML; undefined accepts any (unchecked). */
  arguments: readonly string[] | undefined;
  /** PythonOperator-like: a `python_callable` (or `_name` + `_file`) is required and becomes `pythonCallable`. */
  requiresCallable: boolean;
}

export interface RegisterOperatorOptions {
  /** More names for it, typically Airflow's dotted import paths ("airflow.operators.bash.BashOperator"). */
  aliases?: readonly string[];
  arguments?: readonly string[];
  requiresCallable?: boolean;
}

const registry = new Map<string, OperatorRegistration>();

/**
 * Makes an operator available to YAML DAG files under `name` (and `aliases`): `operator: <name>` in a task creates
 * it, YAML keys converted to camelCase options (`bash_command` → `bashCommand`). Operator packs call this for
 * each operator they ship. Registering a name again replaces it.
 */
export function registerOperator(name: string, operator: OperatorClass, options: RegisterOperatorOptions = {}): void {
  const registration: OperatorRegistration = {
    name,
    operator,
    arguments: options.arguments,
    requiresCallable: options.requiresCallable ?? false,
  };
  for (const key of [name, ...(options.aliases ?? [])]) registry.set(key, registration);
}

export function findOperator(name: string): OperatorRegistration | undefined {
  return registry.get(name);
}

export function isOperatorRegistered(name: string): boolean {
  return registry.has(name);
}

/** The registered name closest to a misspelt one: by whole dotted path, else by class name alone. */
export function closestOperatorName(name: string): string | undefined {
  const names = [...registry.keys()];
  const whole = closest(name, names);
  if (whole) return whole;
  const short = name.split(".").pop()!;
  const byClass = closest(short, [...new Set(names.map((n) => n.split(".").pop()!))]);
  if (!byClass) return undefined;
  // Prefer the spelling the user used: a dotted path when they wrote one.
  return names.find((n) => n.endsWith(`.${byClass}`) && name.includes(".")) ?? byClass;
}

/** Every operator-specific argument any registered operator takes (for checking `default_args` keys). */
export function allOperatorArguments(): Set<string> {
  return new Set([...registry.values()].flatMap((r) => r.arguments ?? []));
}
