import type { BaseOperator } from "../core/base-operator.ts";
import { closest } from "../core/suggest.ts";
import type { TaskGroup } from "../core/task-group.ts";
import { XComArg } from "../core/xcom-arg.ts";
import { Timedelta } from "./cast.ts";
import { attempt, ConfigProblem, type KeyPath } from "./issues.ts";
import type { Entries, PreparedTask } from "./prepare-task.ts";
import { snakeToCamel } from "./task-arguments.ts";

/** dag-factory's topological sort (Kahn's algorithm, in the order written) over `dependencies` and mapped inputs. */
export function dependencyOrder(dagId: string, tasks: Entries, prepared: PreparedTask[]): PreparedTask[] {
  const byId = new Map(prepared.map((t) => [t.id, t]));
  const upstream = new Map(prepared.map((t) => [t.id, new Set<string>()]));
  for (const task of prepared) {
    for (const dep of (tasks[task.id].dependencies as string[] | undefined) ?? []) if (byId.has(dep)) upstream.get(task.id)!.add(dep);
    for (const ref of referencesOf(task)) if (byId.has(ref)) upstream.get(task.id)!.add(ref);
  }
  const order: PreparedTask[] = [];
  const remaining = new Map([...upstream].map(([id, ups]) => [id, new Set(ups)]));
  const ready = prepared.filter((t) => remaining.get(t.id)!.size === 0).map((t) => t.id);
  while (ready.length) {
    const id = ready.shift()!;
    order.push(byId.get(id)!);
    for (const [other, ups] of remaining) if (ups.delete(id) && ups.size === 0) ready.push(other);
  }
  if (order.length !== prepared.length) {
    const stuck = prepared.find((t) => !order.includes(t))!;
    throw new ConfigProblem([dagId, "tasks", stuck.id, "dependencies"], `Cycle detected in task dependencies: ${describeCycle(stuck.id, upstream)}.`);
  }
  return order;
}

function describeCycle(start: string, upstream: Map<string, Set<string>>): string {
  const path = [start];
  for (let current = start; ; ) {
    const next = [...(upstream.get(current) ?? [])].find((id) => !path.includes(id) || id === start);
    if (next === undefined) break;
    path.push(next);
    if (next === start) break;
    current = next;
  }
  return path.reverse().join(" >> ");
}

const OUTPUT_REFERENCE = /^(?:\+(?<plus>[\w.-]+)(?:\[['"](?<key>[^'"]+)['"]\])?|(?<dotted>[\w-]+)\.output|XcomArg\((?<wrapped>[\w-]+)\))$/;

function referenceOf(value: unknown): { taskId: string; key?: string } | undefined {
  if (typeof value !== "string") return undefined;
  const match = OUTPUT_REFERENCE.exec(value.trim());
  if (!match?.groups) return undefined;
  const { plus, key, dotted, wrapped } = match.groups;
  return { taskId: plus ?? dotted ?? wrapped, key };
}

function referencesOf(task: PreparedTask): string[] {
  const values = [...Object.values(task.expand ?? {}), ...(task.decorator ? [...Object.values(task.partial ?? {}), ...Object.values(task.callArgs ?? {})] : [])];
  return values.map(referenceOf).filter((r) => r !== undefined).map((r) => r.taskId);
}

/** Replaces "+task", "task.output" and "XcomArg(task)" by that task's output. */
function resolveReferences(values: Record<string, unknown>, built: Map<string, BaseOperator>, path: KeyPath, camel: boolean): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      const ref = referenceOf(value);
      let resolved = value;
      if (ref) {
        const operator = built.get(ref.taskId);
        if (!operator) throw new ConfigProblem([...path, key], `"${value}" refers to task "${ref.taskId}", which this DAG does not have.`, { suggestion: closest(ref.taskId, built.keys()) });
        resolved = ref.key ? new XComArg(operator, ref.key) : operator.output;
      } else if (value instanceof Timedelta) resolved = value.seconds;
      return [camel ? snakeToCamel(key) : key, resolved];
    }),
  );
}

export function createTask(task: PreparedTask, built: Map<string, BaseOperator>, group: TaskGroup | undefined): BaseOperator {
  return attempt(task.path, () => {
    const base = { ...task.options, taskId: task.id, ...(group ? { taskGroup: group } : {}) };
    if (task.decorator) {
      const { pythonCallable, ...taskOptions } = base as unknown as Record<string, unknown> & { pythonCallable: (...args: any[]) => unknown };
      const fn = task.decorator.create({ ...taskOptions, ...(task.multipleOutputs ? { multipleOutputs: true } : {}) }, pythonCallable);
      const partial = task.partial ? resolveReferences(task.partial, built, [...task.path, "partial"], false) : undefined;
      let output: XComArg;
      if (task.expand) {
        const expand = resolveReferences(task.expand, built, [...task.path, "expand"], false);
        output = (partial ? fn.partial(partial) : fn).expand(expand as never);
      } else {
        output = fn(resolveReferences(task.callArgs ?? {}, built, task.path, false));
      }
      return output.operator;
    }
    const Operator = task.registration!.operator;
    if (task.expand) return Operator.partial(base as never).expand(resolveReferences(task.expand, built, [...task.path, "expand"], true) as never);
    return new Operator(base);
  });
}

/** Every `dependencies` entry that names neither a task nor a task group. */
export function unknownDependencies(dagId: string, tasks: Entries, groups: Entries): ConfigProblem[] {
  const names = [...Object.keys(tasks), ...Object.keys(groups)];
  const problems: ConfigProblem[] = [];
  for (const [kind, entries] of [["tasks", tasks], ["task_groups", groups]] as const) {
    for (const [name, conf] of Object.entries(entries)) {
      ((conf.dependencies as string[] | undefined) ?? []).forEach((dep, index) => {
        if (!names.includes(dep)) {
          problems.push(new ConfigProblem([dagId, kind, name, "dependencies", index], `"${dep}" is neither a task nor a task group of this DAG.`, { suggestion: closest(dep, names) }));
        }
      });
    }
  }
  return problems;
}

/** dag-factory's set_dependencies: every task, then every group, in the order written; a group is upstream through its leaves. */
export function setDependencies(dagId: string, tasks: Entries, groups: Entries, built: Map<string, BaseOperator>, groupObjects: Map<string, TaskGroup>): void {
  const entries: Array<[string, Record<string, unknown>, "tasks" | "task_groups"]> = [
    ...Object.entries(tasks).map(([id, conf]) => [id, conf, "tasks"] as [string, Record<string, unknown>, "tasks"]),
    ...Object.entries(groups).map(([id, conf]) => [id, conf, "task_groups"] as [string, Record<string, unknown>, "task_groups"]),
  ];
  for (const [name, conf, kind] of entries) {
    const source = kind === "tasks" ? built.get(name)! : groupObjects.get(name)!;
    ((conf.dependencies as string[] | undefined) ?? []).forEach((dep, index) => {
      const upstream = groupObjects.get(dep) ?? built.get(dep);
      if (!upstream) {
        throw new ConfigProblem([dagId, kind, name, "dependencies", index], `"${dep}" is neither a task nor a task group of this DAG.`, {
          suggestion: closest(dep, [...built.keys(), ...groupObjects.keys()]),
        });
      }
      attempt([dagId, kind, name, "dependencies", index], () => source.after(upstream));
    });
  }
}

