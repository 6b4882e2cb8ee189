import type { SlaMissCallback } from "./sla-miss.ts";
import type { BaseOperator, DefaultArgs } from "./base-operator.ts";
import type { TaskContext } from "./context.ts";
import { noteCreatedDag, withDag } from "./dag-context.ts";
import { durationToSeconds, parseDate, type Duration } from "./dates.ts";
import { CycleError, DagDefinitionError } from "./errors.ts";
import { checkParamSchemas, type ParamsSpec } from "./params.ts";
import { didYouMean } from "./suggest.ts";
import type { TaskGroup } from "./task-group.ts";
import { createTimetable, TimetableError, type ScheduleSpec, type Timetable } from "./timetables/index.ts";
import { DEFAULTS } from "./types.ts";
import { collectXComArgs } from "./xcom-arg.ts";

export type DagCallback = (context: TaskContext) => unknown;

export interface DagOptions {
  dagId: string;
  description?: string;
  /** Cron, preset ("@daily"), duration object, `null` for manual-only; omitted = every day from the start date. */
  schedule?: ScheduleSpec;
  startDate?: string | Date;
  endDate?: string | Date;
  /** IANA timezone the schedule is evaluated in (e.g. "Europe/Amsterdam"). Default UTC. */
  timezone?: string;
  catchup?: boolean;
  tags?: readonly string[];
  owner?: string;
  docMd?: string;
  defaultArgs?: DefaultArgs;
  params?: ParamsSpec;
  maxActiveRuns?: number;
  maxActiveTasks?: number;
  dagrunTimeout?: Duration;
  onSuccessCallback?: DagCallback | readonly DagCallback[];
  onFailureCallback?: DagCallback | readonly DagCallback[];
  /** Called (in a runner) with the SLA misses of this DAG's tasks not yet notified (Airflow 2's sla_miss_callback). */
  slaMissCallback?: SlaMissCallback | readonly SlaMissCallback[];
  isPausedUponCreation?: boolean;
  renderTemplateAsNativeObj?: boolean;
  /** Per-DAG permissions: role name → actions ("can_read", "can_edit", "can_delete"). */
  accessControl?: Record<string, readonly string[]>;
}

const DAG_ID_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** A DAG: tasks, their dependencies and a schedule. Build one with `dag({...}, () => { ...tasks... })`. */
export class DAG {
  readonly dagId: string;
  readonly description: string;
  readonly timetable: Timetable;
  readonly schedule: ScheduleSpec;
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly timezone: string;
  readonly catchup: boolean;
  readonly tags: readonly string[];
  readonly docMd: string | undefined;
  readonly defaultArgs: DefaultArgs;
  readonly params: ParamsSpec;
  readonly maxActiveRuns: number;
  readonly maxActiveTasks: number;
  readonly dagrunTimeoutSeconds: number | null;
  readonly onSuccessCallback: readonly DagCallback[];
  readonly onFailureCallback: readonly DagCallback[];
  readonly slaMissCallback: readonly SlaMissCallback[];
  readonly isPausedUponCreation: boolean | undefined;
  readonly renderTemplateAsNativeObj: boolean;
  readonly accessControl: Record<string, readonly string[]>;
  /** The file the DAG was loaded from; set by the DAG bag. */
  fileloc = "";

  readonly tasks = new Map<string, BaseOperator>();
  readonly taskGroups = new Map<string, TaskGroup>();

  constructor(options: DagOptions) {
    if (typeof options.dagId !== "string" || !DAG_ID_PATTERN.test(options.dagId)) {
      throw new DagDefinitionError(
        `Invalid dag id ${JSON.stringify(options.dagId)}: use letters, digits, "_", "-" and "." only (e.g. "daily_sales").`,
      );
    }
    this.dagId = options.dagId;
    this.description = options.description ?? "";
    this.defaultArgs = { ...(options.owner ? { owner: options.owner } : {}), ...options.defaultArgs };
    const start = options.startDate ?? this.defaultArgs.startDate;
    this.startDate = start === undefined ? null : parseDate(start, `startDate of DAG "${this.dagId}"`);
    const end = options.endDate ?? this.defaultArgs.endDate;
    this.endDate = end === undefined ? null : parseDate(end, `endDate of DAG "${this.dagId}"`);
    this.timezone = options.timezone ?? "UTC";
    this.schedule = options.schedule;
    try {
      this.timetable = createTimetable(options.schedule, { timezone: this.timezone });
    } catch (error) {
      if (error instanceof TimetableError) throw new DagDefinitionError(`DAG "${this.dagId}": ${error.message}`, { cause: error });
      throw error;
    }
    if (this.timetable.canBeScheduled && this.timetable.type !== "continuous" && !this.startDate) {
      throw new DagDefinitionError(
        `DAG "${this.dagId}" has a schedule but no startDate: add startDate (e.g. "2024-01-01") or set schedule: null for manual runs only.`,
      );
    }
    this.catchup = options.catchup ?? DEFAULTS.catchup;
    this.tags = [...(options.tags ?? [])];
    this.docMd = options.docMd;
    this.params = options.params ?? {};
    checkParamSchemas(this.params, `DAG "${this.dagId}"`);
    this.maxActiveRuns = options.maxActiveRuns ?? DEFAULTS.maxActiveRunsPerDag;
    this.maxActiveTasks = options.maxActiveTasks ?? DEFAULTS.maxActiveTasksPerDag;
    if (this.timetable.type === "continuous" && this.maxActiveRuns !== 1) {
      throw new DagDefinitionError(`DAG "${this.dagId}" uses "@continuous", which requires maxActiveRuns: 1.`);
    }
    this.dagrunTimeoutSeconds =
      options.dagrunTimeout === undefined ? null : durationToSeconds(options.dagrunTimeout, `dagrunTimeout of DAG "${this.dagId}"`);
    this.onSuccessCallback = asList(options.onSuccessCallback);
    this.onFailureCallback = asList(options.onFailureCallback);
    this.slaMissCallback = options.slaMissCallback === undefined ? [] : typeof options.slaMissCallback === "function" ? [options.slaMissCallback] : [...options.slaMissCallback];
    this.isPausedUponCreation = options.isPausedUponCreation;
    this.renderTemplateAsNativeObj = options.renderTemplateAsNativeObj ?? false;
    this.accessControl = options.accessControl ?? {};
    noteCreatedDag(this);
  }

  get owner(): string {
    const owners = new Set([...this.tasks.values()].map((t) => t.owner));
    return [...owners].join(", ") || this.defaultArgs.owner || "airflow";
  }

  addTask(task: BaseOperator): void {
    if (this.tasks.has(task.taskId)) {
      throw new DagDefinitionError(
        `Duplicate task id "${task.taskId}" in DAG "${this.dagId}": every task of a DAG needs its own taskId.`,
      );
    }
    this.tasks.set(task.taskId, task);
  }

  addTaskGroup(group: TaskGroup): void {
    if (this.taskGroups.has(group.groupId) || this.tasks.has(group.groupId)) {
      throw new DagDefinitionError(`Duplicate task group id "${group.groupId}" in DAG "${this.dagId}".`);
    }
    this.taskGroups.set(group.groupId, group);
  }

  addDependency(upstream: BaseOperator, downstream: BaseOperator): void {
    if (upstream.dag !== this || downstream.dag !== this) {
      throw new DagDefinitionError(
        `Cannot link "${upstream.taskId}" (DAG "${upstream.dag.dagId}") to "${downstream.taskId}" (DAG "${downstream.dag.dagId}"): dependencies stay within one DAG; use ExternalTaskSensor or datasets across DAGs.`,
      );
    }
    if (upstream === downstream) throw new CycleError(this.dagId, [upstream.taskId, upstream.taskId]);
    upstream.downstreamTaskIds.add(downstream.taskId);
    downstream.upstreamTaskIds.add(upstream.taskId);
  }

  getTask(taskId: string): BaseOperator {
    const task = this.tasks.get(taskId);
    if (!task) {
      throw new DagDefinitionError(`DAG "${this.dagId}" has no task "${taskId}".${didYouMean(taskId, this.tasks.keys())}`);
    }
    return task;
  }

  get taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  get roots(): BaseOperator[] {
    return [...this.tasks.values()].filter((t) => t.upstreamTaskIds.size === 0);
  }

  get leaves(): BaseOperator[] {
    return [...this.tasks.values()].filter((t) => t.downstreamTaskIds.size === 0);
  }

  /** Every task transitively downstream (or upstream) of `taskId`, excluding itself. */
  relatives(taskId: string, direction: "downstream" | "upstream"): Set<string> {
    const found = new Set<string>();
    const stack = [taskId];
    while (stack.length) {
      const task = this.getTask(stack.pop()!);
      for (const next of direction === "downstream" ? task.downstreamTaskIds : task.upstreamTaskIds) {
        if (!found.has(next)) {
          found.add(next);
          stack.push(next);
        }
      }
    }
    return found;
  }

  /** Tasks ordered so that each comes after its upstream tasks. Throws CycleError naming the cycle. */
  topologicalOrder(): BaseOperator[] {
    const order: BaseOperator[] = [];
    const state = new Map<string, "visiting" | "done">();
    const path: string[] = [];
    const visit = (task: BaseOperator): void => {
      const seen = state.get(task.taskId);
      if (seen === "done") return;
      if (seen === "visiting") {
        // The walk follows upstream edges; reverse it so the cycle reads in the direction of `>>`.
        const start = path.indexOf(task.taskId);
        throw new CycleError(this.dagId, [...path.slice(start), task.taskId].reverse());
      }
      state.set(task.taskId, "visiting");
      path.push(task.taskId);
      for (const id of task.upstreamTaskIds) visit(this.getTask(id));
      path.pop();
      state.set(task.taskId, "done");
      order.push(task);
    };
    for (const task of this.tasks.values()) visit(task);
    return order;
  }

  /** Checks what can only be checked once every task exists. Called after building and by the DAG bag. */
  validate(): this {
    // Airflow's set_xcomargs_dependencies: a task's output inside an operator's templated argument (e.g. a
    // PythonOperator's opArgs) makes that task upstream, as TaskFlow calls do.
    for (const task of this.tasks.values()) {
      for (const field of task.templateFields) {
        for (const arg of collectXComArgs((task as unknown as Record<string, unknown>)[field])) this.addDependency(arg.operator, task);
      }
    }
    this.topologicalOrder();
    return this;
  }

  toString(): string {
    return `<DAG: ${this.dagId}>`;
  }
}

/** Builds a DAG: tasks created inside `build` belong to it. The DAG is validated (cycles, …) when `build` returns. */
export function dag(options: DagOptions, build?: (dag: DAG) => void): DAG {
  const created = new DAG(options);
  if (build) withDag(created, () => build(created));
  return created.validate();
}

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}
