import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { stringify } from "yaml";
import type { BaseOperator } from "../core/base-operator.ts";
import { withDag, withTaskGroup } from "../core/dag-context.ts";
import { DAG, type DagOptions } from "../core/dag.ts";
import { closest } from "../core/suggest.ts";
import { TaskGroup } from "../core/task-group.ts";
import { createTimetable } from "../core/timetables/index.ts";
import { SENSOR_ARGUMENTS } from "./builtin-operators.ts";
import { toDuration } from "./cast.ts";
import { configDate } from "./dates.ts";
import { attempt, ConfigProblem, ConfigProblems, keyPathText } from "./issues.ts";
import { isMapping } from "./merge.ts";
import { allOperatorArguments } from "./operator-registry.ts";
import { argumentsOf, assign, BASE, onlyBase, prepareTask, type Entries, type PreparedTask } from "./prepare-task.ts";
import { toSchedule } from "./schedule.ts";
import { FACTORY_TASK_KEYS, checkKeys, convertArguments, type Argument, type ConvertContext } from "./task-arguments.ts";
import { createTask, dependencyOrder, setDependencies, unknownDependencies } from "./task-graph.ts";

export interface BuildContext {
  yamlFile: string;
  functions: Map<string, Function>;
  dependencies: Set<string>;
}

/**
 * Builds one DAG from its effective config (defaults merged, typed values cast), as dag-factory's DagBuilder does:
 * task groups first (parents before children), tasks in dependency order, then dependencies in the order written.
 */
export async function buildDag(dagId: string, config: Record<string, unknown>, ctx: BuildContext, rawConfig: Record<string, unknown>): Promise<DAG> {
  const defaultArgs = isMapping(config.default_args) ? config.default_args : {};
  const argTz = typeof defaultArgs.timezone === "string" ? defaultArgs.timezone : "UTC";
  const dagTz = typeof config.timezone === "string" ? config.timezone : argTz;
  const convert = (args: Map<string, Argument>, timezone: string) => convertArguments(args, { ...ctx, timezone } satisfies ConvertContext);
  const knownDefaultArgs = new Set([...BASE, ...allOperatorArguments(), ...SENSOR_ARGUMENTS, ...FACTORY_TASK_KEYS]);
  checkKeys(Object.keys(defaultArgs).map((k) => [k, [dagId, "default_args", k]]), knownDefaultArgs, "default_args");

  const dagDefaults = argumentsOf(defaultArgs, [dagId, "default_args"]);
  const options: DagOptions = {
    dagId,
    description: config.description as string | undefined,
    defaultArgs: await convert(onlyBase(dagDefaults), argTz),
    schedule: await scheduleOf(dagId, config, ctx),
    timezone: dagTz,
    catchup: config.catchup as boolean | undefined,
    tags: [...new Set([...((config.tags as string[] | undefined) ?? []), "dagfactory"])],
    docMd: await docMdOf(dagId, config, ctx, rawConfig),
    params: config.params as DagOptions["params"],
    maxActiveRuns: config.max_active_runs as number | undefined,
    maxActiveTasks: (config.max_active_tasks ?? config.concurrency) as number | undefined,
    dagrunTimeout: config.dagrun_timeout === undefined ? undefined : toDuration(config.dagrun_timeout),
    accessControl: config.access_control as DagOptions["accessControl"],
    isPausedUponCreation: config.is_paused_upon_creation as boolean | undefined,
    renderTemplateAsNativeObj: config.render_template_as_native_obj as boolean | undefined,
  };
  const dagCallbacks = await convert(
    new Map(["on_success_callback", "on_failure_callback", "on_success_callback_name", "on_success_callback_file", "on_failure_callback_name", "on_failure_callback_file"]
      .filter((k) => k in config).map((k) => [k, { value: config[k], path: [dagId, k] }])),
    dagTz,
  );
  options.onSuccessCallback = dagCallbacks.onSuccessCallback as DagOptions["onSuccessCallback"];
  options.onFailureCallback = dagCallbacks.onFailureCallback as DagOptions["onFailureCallback"];
  for (const [key, field] of [["start_date", "startDate"], ["end_date", "endDate"]] as const) {
    if (config[key] !== undefined) options[field] = attempt([dagId, key], () => configDate(config[key], dagTz));
  }
  const dag = attempt([dagId], () => new DAG(options));

  const groups = config.task_groups as Entries;
  const tasks = config.tasks as Entries;
  const groupDefaults = new Map<string, Map<string, Argument>>();
  for (const [name, conf] of Object.entries(groups)) groupDefaults.set(name, argumentsOf(isMapping(conf.default_args) ? conf.default_args : {}, [dagId, "task_groups", name, "default_args"]));
  const groupObjects = await makeGroups(dag, dagId, groups, groupDefaults, (args) => convert(onlyBase(args), argTz));

  // Each task is checked even when an earlier one is broken, so one pass reports every broken task.
  const prepared: PreparedTask[] = [];
  const problems: ConfigProblem[] = [];
  for (const [taskId, conf] of Object.entries(tasks)) {
    try {
      const group = conf.task_group_name as string | undefined;
      if (group !== undefined && !groupObjects.has(group)) {
        throw new ConfigProblem([dagId, "tasks", taskId, "task_group_name"], `No task group "${group}" in this DAG.`, { suggestion: closest(group, groupObjects.keys()) });
      }
      const inherited = new Map(dagDefaults);
      for (const name of group === undefined ? [] : groupChain(group, groups)) for (const [k, v] of groupDefaults.get(name)!) assign(inherited, k, v);
      prepared.push(await prepareTask(dagId, taskId, conf, group, inherited, ctx, (args) => convert(args, typeof conf.timezone === "string" ? conf.timezone : argTz)));
    } catch (error) {
      if (!(error instanceof ConfigProblem)) throw error;
      problems.push(error);
    }
  }
  problems.push(...unknownDependencies(dagId, tasks, groups));
  if (problems.length) throw new ConfigProblems(problems);

  const built = new Map<string, BaseOperator>();
  withDag(dag, () => {
    for (const task of dependencyOrder(dagId, tasks, prepared)) built.set(task.id, createTask(task, built, groupObjects.get(task.group ?? "")));
  });
  setDependencies(dagId, tasks, groups, built, groupObjects);
  attempt([dagId], () => dag.validate());
  return dag;
}

async function scheduleOf(dagId: string, config: Record<string, unknown>, ctx: BuildContext) {
  if (config.schedule !== undefined && config.schedule_interval !== undefined) {
    throw new ConfigProblem([dagId, "schedule_interval"], "Give schedule or schedule_interval (its pre-2.4 name), not both.", { at: "key" });
  }
  if (config.timetable !== undefined) return config.timetable as DagOptions["schedule"];
  const key = config.schedule !== undefined ? "schedule" : "schedule_interval";
  const schedule = await toSchedule(config[key], [dagId, key], ctx.yamlFile, ctx.dependencies);
  // Checked here so that a bad cron expression is reported at the schedule key, not at the DAG.
  attempt([dagId, key], () => createTimetable(schedule, { timezone: typeof config.timezone === "string" ? config.timezone : "UTC" }));
  return schedule;
}

async function docMdOf(dagId: string, config: Record<string, unknown>, ctx: BuildContext, rawConfig: Record<string, unknown>): Promise<string> {
  let doc = config.doc_md as string | undefined;
  if (typeof config.doc_md_file_path === "string") {
    const file = resolve(dirname(ctx.yamlFile), config.doc_md_file_path);
    ctx.dependencies.add(file);
    doc = await readFile(file, "utf8").catch(() => {
      throw new ConfigProblem([dagId, "doc_md_file_path"], `${file} does not exist.`);
    });
  }
  const docFn = ctx.functions.get(keyPathText([dagId, "doc_md_python_callable_name"]));
  if (docFn) doc = String(await docFn(config.doc_md_python_arguments ?? {}));
  // dag-factory appends the effective config to the DAG's docs.
  const yml = stringify({ [dagId]: rawConfig }, { lineWidth: 0 });
  return `${doc ? `${doc}\n` : ""}## YML DAG\n\`\`\`yaml\n${yml}\`\`\``;
}

async function makeGroups(
  dag: DAG, dagId: string, groups: Entries, defaults: Map<string, Map<string, Argument>>, convert: (args: Map<string, Argument>) => Promise<Record<string, unknown>>,
): Promise<Map<string, TaskGroup>> {
  const made = new Map<string, TaskGroup>();
  const converted = new Map<string, Record<string, unknown>>();
  for (const name of Object.keys(groups)) converted.set(name, await convert(defaults.get(name)!));
  const make = (name: string, chain: string[]): TaskGroup => {
    const existing = made.get(name);
    if (existing) return existing;
    if (chain.includes(name)) throw new ConfigProblem([dagId, "task_groups", name, "parent_group_name"], `Task groups nest in a cycle: ${[...chain, name].join(" → ")}.`);
    const conf = groups[name];
    const parentName = (conf.parent_group_name ?? conf.parent_group) as string | undefined;
    if (parentName !== undefined && !Object.hasOwn(groups, parentName)) {
      throw new ConfigProblem([dagId, "task_groups", name, conf.parent_group_name ? "parent_group_name" : "parent_group"], `No task group "${parentName}" in this DAG.`, { suggestion: closest(parentName, Object.keys(groups)) });
    }
    const parent = parentName === undefined ? undefined : make(parentName, [...chain, name]);
    const create = () =>
      attempt([dagId, "task_groups", name], () =>
        withDag(dag, () => new TaskGroup({ groupId: name, tooltip: conf.tooltip as string | undefined, prefixGroupId: conf.prefix_group_id as boolean | undefined, defaultArgs: converted.get(name) })),
      );
    const group = parent ? withTaskGroup(parent, create) : create();
    made.set(name, group);
    return group;
  };
  for (const name of Object.keys(groups)) make(name, []);
  return made;
}

function groupChain(name: string, groups: Entries): string[] {
  const chain: string[] = [];
  for (let current: string | undefined = name; current !== undefined && !chain.includes(current); current = (groups[current]?.parent_group_name ?? groups[current]?.parent_group) as string | undefined) {
    chain.unshift(current);
  }
  return chain;
}

