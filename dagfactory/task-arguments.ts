import { closest } from "../core/suggest.ts";
import { environmentSecrets } from "../core/env-secrets.ts";
import { CALLBACK_TYPES } from "./callables.ts";
import { toDuration } from "./cast.ts";
import { toDatasets } from "./datasets.ts";
import { configDate } from "./dates.ts";
import { ConfigProblem, keyPathText, type KeyPath } from "./issues.ts";
import { isMapping } from "./merge.ts";

/** BaseOperator's arguments as YAML spells them (Airflow's names). */
export const BASE_TASK_ARGUMENTS = [
  "owner", "retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay", "execution_timeout", "trigger_rule", "pool",
  "pool_slots", "priority_weight", "weight_rule", "queue", "depends_on_past", "wait_for_downstream", "ignore_first_depends_on_past",
  "max_active_tis_per_dag", "max_active_tis_per_dagrun", "start_date", "end_date", "email", "email_on_failure", "email_on_retry",
  "params", "do_xcom_push", "doc_md", "outlets", "inlets", "sla", "map_index_template", ...CALLBACK_TYPES,
];

/** Accepted for compatibility, with no effect in Updraft (docs/yaml-dags.md lists them). */
export const IGNORED_TASK_ARGUMENTS = [
  "task_display_name", "executor_config", "run_as_user", "resources", "doc", "doc_json", "doc_yaml", "doc_rst", "deferrable",
  "output_encoding", "templates_exts", "show_return_value_in_logs", "task_concurrency",
];

/** Keys dag-factory itself reads from a task; never operator arguments. */
export const FACTORY_TASK_KEYS = [
  "operator", "decorator", "dependencies", "task_group_name", "task_id", "python_callable_name", "python_callable_file", "expand",
  "partial", "variables_as_arguments", "multiple_outputs", ...CALLBACK_TYPES.flatMap((t) => [`${t}_name`, `${t}_file`]),
];

const DURATION_ARGUMENTS = new Set(["retry_delay", "max_retry_delay", "execution_timeout", "sla", "poke_interval", "timeout", "max_wait", "delta"]);

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** One argument of a task and where it was written (a task's own key, or an inherited `default_args` entry). */
export interface Argument {
  value: unknown;
  path: KeyPath;
}

export interface ConvertContext {
  yamlFile: string;
  functions: Map<string, Function>;
  dependencies: Set<string>;
  /** Timezone for reading dates (`timezone` in the same mapping, else the DAG's). */
  timezone: string;
}

/** A callback as configured: the function, or `{callback, …params}` called as `callback(context, params)`. */
function callbackFunction(value: unknown, path: KeyPath, functions: Map<string, Function>): Function {
  const fn = functions.get(keyPathText(path));
  if (!fn) throw new ConfigProblem(path, "could not be resolved to a function.");
  if (isMapping(value)) {
    const { callback: _name, ...params } = value;
    return (context: unknown) => fn(context, params);
  }
  return fn;
}

/**
 * YAML arguments → the camelCase options an Updraft operator takes: durations in seconds, dates read in the timezone,
 * callbacks and python callables as functions, outlets and inlets as datasets. Ignored arguments are dropped.
 */
export async function convertArguments(args: Map<string, Argument>, ctx: ConvertContext): Promise<Record<string, unknown>> {
  const options: Record<string, unknown> = {};
  for (const [key, { value, path }] of args) {
    if (IGNORED_TASK_ARGUMENTS.includes(key) || key === "timezone" || FACTORY_TASK_KEYS.includes(key)) continue;
    try {
      if ((CALLBACK_TYPES as readonly string[]).includes(key)) {
        const items = Array.isArray(value) ? value.map((v, i) => callbackFunction(v, [...path, i], ctx.functions)) : [callbackFunction(value, path, ctx.functions)];
        options[snakeToCamel(key)] = [...((options[snakeToCamel(key)] as Function[]) ?? []), ...items];
      } else if (key === "python_callable") {
        options.pythonCallable = callbackFunction(value, path, ctx.functions);
      } else if (key === "start_date" || key === "end_date") {
        options[snakeToCamel(key)] = configDate(value, ctx.timezone);
      } else if (DURATION_ARGUMENTS.has(key)) {
        options[snakeToCamel(key)] = toDuration(value);
      } else if (key === "outlets" || key === "inlets") {
        options[key] = await toDatasets(value, ctx.yamlFile, path, ctx.dependencies);
      } else {
        options[snakeToCamel(key)] = value;
      }
    } catch (error) {
      if (error instanceof ConfigProblem) throw error;
      throw new ConfigProblem(path, (error as Error).message);
    }
  }
  // The `_name` + `_file` pairs: resolved at the `_name` key.
  for (const type of [...CALLBACK_TYPES, "python_callable"]) {
    const named = args.get(`${type}_name`);
    if (!named || !args.has(`${type}_file`)) continue;
    const fn = callbackFunction(named.value, named.path, ctx.functions);
    if (type === "python_callable") options.pythonCallable = fn;
    else options[snakeToCamel(type)] = [...((options[snakeToCamel(type)] as Function[]) ?? []), fn];
  }
  return options;
}

/** dag-factory's `variables_as_arguments`: an argument set from a Variable (here: UPDRAFT_VAR_* / AIRFLOW_VAR_*) when it exists. */
export async function variablesAsArguments(value: unknown): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const item of Array.isArray(value) ? value : []) {
    if (!isMapping(item)) continue;
    const variable = await environmentSecrets.getVariable(String(item.variable));
    if (variable !== undefined) found[String(item.attribute)] = variable;
  }
  return found;
}

/** Checks keys against what is allowed; the first unknown one is a problem naming the closest allowed key. */
export function checkKeys(keys: Iterable<[string, KeyPath]>, allowed: ReadonlySet<string>, what: string): void {
  for (const [key, path] of keys) {
    if (allowed.has(key) || key.startsWith("x-")) continue;
    throw new ConfigProblem(path, `${what} does not take "${key}".`, { at: "key", suggestion: closest(key, allowed), expected: `an argument of ${what}` });
  }
}
