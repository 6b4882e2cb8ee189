import type { BaseOperator, DefaultArgs } from "./base-operator.ts";
import { dependencyLeavesOf, dependencyRootsOf } from "./base-operator.ts";
import { currentDag, currentTaskGroup, withTaskGroup } from "./dag-context.ts";
import type { DAG } from "./dag.ts";
import { DagDefinitionError } from "./errors.ts";
import type { MappedSpec } from "./mapped.ts";
import type { Dependable } from "./xcom-arg.ts";

export interface TaskGroupOptions {
  groupId: string;
  tooltip?: string;
  prefixGroupId?: boolean;
  defaultArgs?: DefaultArgs;
}

/**
 * A named group of tasks (Airflow's TaskGroup): ids are prefixed with the group id, default args apply to members,
 * and a group can be a dependency as a whole: upstream of its roots, downstream of its leaves.
 */
export class TaskGroup {
  readonly groupId: string;
  readonly dag: DAG;
  readonly parent: TaskGroup | undefined;
  readonly tooltip: string;
  readonly prefixGroupId: boolean;
  readonly defaultArgs: DefaultArgs;
  readonly children: Array<BaseOperator | TaskGroup> = [];
  /** Set for a mapped task group (`taskGroup.fn(...).expand(...)`): every task inside expands over these arguments. */
  mapped: MappedSpec | undefined;

  constructor(options: TaskGroupOptions) {
    const dag = currentDag();
    if (!dag) throw new DagDefinitionError(`Task group "${options.groupId}" is not in a DAG: create it inside dag({...}, () => { ... }).`);
    if (!/^[A-Za-z0-9_-]+$/.test(options.groupId)) {
      throw new DagDefinitionError(`Invalid task group id "${options.groupId}" in DAG "${dag.dagId}": use letters, digits, "_" and "-".`);
    }
    this.dag = dag;
    this.parent = currentTaskGroup();
    this.prefixGroupId = options.prefixGroupId ?? true;
    this.groupId = this.parent ? this.parent.childId(options.groupId) : options.groupId;
    this.tooltip = options.tooltip ?? "";
    this.defaultArgs = options.defaultArgs ?? {};
    dag.addTaskGroup(this);
    this.parent?.addChild(this);
  }

  /** The id a child named `id` gets: `group.id` when prefixing (nested groups prefix their full path). */
  childId(id: string): string {
    return this.prefixGroupId ? `${this.groupId}.${id}` : this.parent ? this.parent.childId(id) : id;
  }

  /** The mapped task group this group is, or is inside. */
  get mappedGroup(): TaskGroup | undefined {
    return this.mapped ? this : this.parent?.mappedGroup;
  }

  effectiveDefaultArgs(): DefaultArgs {
    return { ...this.parent?.effectiveDefaultArgs(), ...this.defaultArgs };
  }

  addChild(child: BaseOperator | TaskGroup): void {
    this.children.push(child);
  }

  /** Every task in the group, nested groups included. */
  tasks(): BaseOperator[] {
    return this.children.flatMap((child) => (child instanceof TaskGroup ? child.tasks() : [child]));
  }

  /** Tasks of the group with no upstream inside the group. */
  dependencyRoots(): BaseOperator[] {
    const members = new Set(this.tasks().map((t) => t.taskId));
    return this.tasks().filter((t) => ![...t.upstreamTaskIds].some((id) => members.has(id)));
  }

  /** Tasks of the group with no downstream inside the group. */
  dependencyLeaves(): BaseOperator[] {
    const members = new Set(this.tasks().map((t) => t.taskId));
    return this.tasks().filter((t) => ![...t.downstreamTaskIds].some((id) => members.has(id)));
  }

  then<D extends Dependable>(downstream: D): D {
    for (const source of this.dependencyLeaves()) for (const target of dependencyRootsOf(downstream)) this.dag.addDependency(source, target);
    return downstream;
  }

  after<D extends Dependable>(upstream: D): D {
    for (const source of dependencyLeavesOf(upstream)) for (const target of this.dependencyRoots()) this.dag.addDependency(source, target);
    return upstream;
  }
}

/** Creates a task group and builds its members inside `build`. Returns the group, so it can take part in dependencies. */
export function buildTaskGroup(options: TaskGroupOptions | string, build: (group: TaskGroup) => void): TaskGroup {
  const group = new TaskGroup(typeof options === "string" ? { groupId: options } : options);
  withTaskGroup(group, () => build(group));
  return group;
}
