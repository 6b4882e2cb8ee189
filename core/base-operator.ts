import type { TaskContext } from "./context.ts";
import { currentDag, currentTaskGroup } from "./dag-context.ts";
import type { DAG } from "./dag.ts";
import { durationToSeconds, parseDate, type Duration } from "./dates.ts";
import type { Dataset } from "./dataset.ts";
import { resumeMethod, TaskDeferred, type DeferRequest, type Resume } from "./deferral.ts";
import { DagDefinitionError } from "./errors.ts";
import { checkExpandArguments, refuseMappingInMappedGroup, type MappedSpec } from "./mapped.ts";
import type { ParamsSpec } from "./params.ts";
import { normalizeTriggerRule } from "./semantics/trigger-rule.ts";
import type { TaskGroup } from "./task-group.ts";
import { DEFAULTS, WEIGHT_RULES, type TriggerRule, type WeightRule } from "./types.ts";
import { collectXComArgs, XComArg, type Dependable, type Input } from "./xcom-arg.ts";

let constructingMapped = false;

/**
 * Checks a required operator argument. Skipped while a mapped operator is being declared, because its mapped
 * arguments only exist per task instance.
 */
export function requireArgument(ok: boolean, message: string): void {
  if (!ok && !constructingMapped) throw new TypeError(message);
}

type OptionsOf<C> = C extends new (options: infer O) => unknown ? O : never;
type MappedArgs<O> = { [K in keyof O]?: readonly O[K][] | XComArg<readonly O[K][]> | XComArg<O[K][]> };

export type TaskCallback = (context: TaskContext) => unknown;
export type Callbacks = TaskCallback | readonly TaskCallback[];
export type DateInput = string | Date;

/** The arguments every operator takes (Airflow's BaseOperator arguments, camelCased). */
export interface TaskOptions {
  taskId: string;
  owner?: string;
  retries?: number;
  retryDelay?: Duration;
  retryExponentialBackoff?: boolean;
  maxRetryDelay?: Duration;
  executionTimeout?: Duration;
  triggerRule?: TriggerRule | string;
  pool?: string;
  poolSlots?: number;
  priorityWeight?: number;
  weightRule?: WeightRule;
  queue?: string;
  dependsOnPast?: boolean;
  waitForDownstream?: boolean;
  ignoreFirstDependsOnPast?: boolean;
  maxActiveTisPerDag?: number;
  maxActiveTisPerDagrun?: number;
  startDate?: DateInput;
  endDate?: DateInput;
  onExecuteCallback?: Callbacks;
  onSuccessCallback?: Callbacks;
  onFailureCallback?: Callbacks;
  onRetryCallback?: Callbacks;
  onSkippedCallback?: Callbacks;
  email?: string | readonly string[];
  emailOnFailure?: boolean;
  emailOnRetry?: boolean;
  params?: ParamsSpec;
  doXcomPush?: boolean;
  docMd?: string;
  outlets?: readonly Dataset[];
  inlets?: readonly Dataset[];
  sla?: Duration;
  mapIndexTemplate?: string;
  /** Attach to this DAG instead of the one being built. */
  dag?: DAG;
  taskGroup?: TaskGroup;
}

/** What `defaultArgs` of a DAG or task group may set: every task option but the identity. */
export type DefaultArgs = Omit<Partial<TaskOptions>, "taskId" | "dag" | "taskGroup">;

const TASK_OPTION_KEYS = new Set<string>([
  "owner", "retries", "retryDelay", "retryExponentialBackoff", "maxRetryDelay", "executionTimeout", "triggerRule", "pool",
  "poolSlots", "priorityWeight", "weightRule", "queue", "dependsOnPast", "waitForDownstream", "ignoreFirstDependsOnPast",
  "maxActiveTisPerDag", "maxActiveTisPerDagrun", "startDate", "endDate", "onExecuteCallback", "onSuccessCallback",
  "onFailureCallback", "onRetryCallback", "onSkippedCallback", "email", "emailOnFailure", "emailOnRetry", "params",
  "doXcomPush", "docMd", "outlets", "inlets", "sla", "mapIndexTemplate",
]);

export function isTaskOptionKey(key: string): boolean {
  return TASK_OPTION_KEYS.has(key);
}

const TASK_ID_PATTERN = /^[A-Za-z0-9_.-]+$/;

/**
 * A task of a DAG. Subclasses implement `execute(context)`; its return value becomes the `return_value` XCom.
 * Options are stored as same-named properties, so mapping (`partial().expand()`) and templating can set them per
 * task instance on a copy of the operator.
 */
export abstract class BaseOperator<TResult = unknown> {
  /** Properties rendered with handlebars before `execute`. */
  static templateFields: readonly string[] = [];

  readonly taskId: string;
  readonly dag: DAG;
  readonly taskGroup: TaskGroup | undefined;
  readonly upstreamTaskIds = new Set<string>();
  readonly downstreamTaskIds = new Set<string>();

  owner: string;
  retries: number;
  retryDelaySeconds: number;
  retryExponentialBackoff: boolean;
  maxRetryDelaySeconds: number | null;
  executionTimeoutSeconds: number | null;
  triggerRule: TriggerRule;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
  weightRule: WeightRule;
  queue: string;
  dependsOnPast: boolean;
  waitForDownstream: boolean;
  ignoreFirstDependsOnPast: boolean;
  maxActiveTisPerDag: number | null;
  maxActiveTisPerDagrun: number | null;
  startDate: Date | null;
  endDate: Date | null;
  onExecuteCallback: readonly TaskCallback[];
  onSuccessCallback: readonly TaskCallback[];
  onFailureCallback: readonly TaskCallback[];
  onRetryCallback: readonly TaskCallback[];
  onSkippedCallback: readonly TaskCallback[];
  email: readonly string[];
  emailOnFailure: boolean;
  emailOnRetry: boolean;
  params: ParamsSpec;
  doXcomPush: boolean;
  docMd: string | undefined;
  outlets: readonly Dataset[];
  inlets: readonly Dataset[];
  slaSeconds: number | null;
  mapIndexTemplate: string | undefined;
  /** Set when the task was made with `partial().expand()`. */
  mapped: MappedSpec | undefined;

  constructor(options: TaskOptions) {
    const dag = options.dag ?? currentDag();
    if (!dag) {
      throw new DagDefinitionError(
        `Task "${options.taskId}" is not in a DAG: create it inside dag({...}, () => { ... }) or pass { dag }.`,
      );
    }
    const group = options.taskGroup ?? (options.dag ? undefined : currentTaskGroup());
    const merged = { ...dag.defaultArgs, ...group?.effectiveDefaultArgs(), ...definedOnly(options) } as TaskOptions;
    if (typeof options.taskId !== "string" || !TASK_ID_PATTERN.test(options.taskId)) {
      throw new DagDefinitionError(
        `Invalid task id ${JSON.stringify(options.taskId)} in DAG "${dag.dagId}": use letters, digits, "_", "-" and "." only.`,
      );
    }
    this.taskId = group ? group.childId(options.taskId) : options.taskId;
    this.dag = dag;
    this.taskGroup = group;
    const where = `task "${this.taskId}" of DAG "${dag.dagId}"`;

    this.owner = merged.owner ?? "airflow";
    this.retries = nonNegativeInt(merged.retries ?? DEFAULTS.retries, "retries", where);
    this.retryDelaySeconds = durationToSeconds(merged.retryDelay ?? DEFAULTS.retryDelaySeconds, `retryDelay of ${where}`);
    this.retryExponentialBackoff = merged.retryExponentialBackoff ?? false;
    this.maxRetryDelaySeconds = merged.maxRetryDelay === undefined ? null : durationToSeconds(merged.maxRetryDelay, `maxRetryDelay of ${where}`);
    this.executionTimeoutSeconds =
      merged.executionTimeout === undefined ? null : durationToSeconds(merged.executionTimeout, `executionTimeout of ${where}`);
    try {
      this.triggerRule = normalizeTriggerRule(merged.triggerRule ?? DEFAULTS.triggerRule);
    } catch (error) {
      throw new DagDefinitionError(`Invalid trigger rule for ${where}: ${(error as Error).message}`);
    }
    this.pool = merged.pool ?? DEFAULTS.pool;
    this.poolSlots = positiveInt(merged.poolSlots ?? DEFAULTS.poolSlots, "poolSlots", where);
    this.priorityWeight = integer(merged.priorityWeight ?? DEFAULTS.priorityWeight, "priorityWeight", where);
    this.weightRule = merged.weightRule ?? DEFAULTS.weightRule;
    if (!Object.values(WEIGHT_RULES).includes(this.weightRule)) {
      throw new DagDefinitionError(`Invalid weightRule "${this.weightRule}" for ${where}: use downstream, upstream or absolute.`);
    }
    this.queue = merged.queue ?? DEFAULTS.queue;
    this.waitForDownstream = merged.waitForDownstream ?? false;
    this.dependsOnPast = (merged.dependsOnPast ?? false) || this.waitForDownstream;
    this.ignoreFirstDependsOnPast = merged.ignoreFirstDependsOnPast ?? true;
    this.maxActiveTisPerDag = merged.maxActiveTisPerDag ?? null;
    this.maxActiveTisPerDagrun = merged.maxActiveTisPerDagrun ?? null;
    this.startDate = merged.startDate === undefined ? null : parseDate(merged.startDate, `startDate of ${where}`);
    this.endDate = merged.endDate === undefined ? null : parseDate(merged.endDate, `endDate of ${where}`);
    this.onExecuteCallback = asList(merged.onExecuteCallback);
    this.onSuccessCallback = asList(merged.onSuccessCallback);
    this.onFailureCallback = asList(merged.onFailureCallback);
    this.onRetryCallback = asList(merged.onRetryCallback);
    this.onSkippedCallback = asList(merged.onSkippedCallback);
    this.email = typeof merged.email === "string" ? [merged.email] : [...(merged.email ?? [])];
    this.emailOnFailure = merged.emailOnFailure ?? true;
    this.emailOnRetry = merged.emailOnRetry ?? true;
    this.params = merged.params ?? {};
    this.doXcomPush = merged.doXcomPush ?? true;
    this.docMd = merged.docMd;
    this.outlets = merged.outlets ?? [];
    this.inlets = merged.inlets ?? [];
    this.slaSeconds = merged.sla === undefined ? null : durationToSeconds(merged.sla, `sla of ${where}`);
    this.mapIndexTemplate = merged.mapIndexTemplate;
    this.mapped = undefined;

    dag.addTask(this);
    group?.addChild(this);
  }

  /** The mapped task group this task is in, if any: then it runs once per map index of the group. */
  get mappedGroup(): TaskGroup | undefined {
    return this.taskGroup?.mappedGroup;
  }

  /** The operator's name as Airflow users know it ("BashOperator"), used in the UI and serialized DAGs. */
  get operatorName(): string {
    return this.constructor.name;
  }

  get templateFields(): readonly string[] {
    return (this.constructor as typeof BaseOperator).templateFields;
  }

  /** Runs the task. The returned value is pushed as the `return_value` XCom (unless `doXcomPush` is false). */
  abstract execute(context: TaskContext): TResult | Promise<TResult>;

  /** Called when the try is stopped (timeout, kill) so the operator can release what it holds. */
  onKill(): void {}

  /** Ends this try as `deferred` until the trigger fires; the resumed try calls `methodName(context, event, kwargs)`. */
  defer(request: DeferRequest): never {
    throw new TaskDeferred(request);
  }

  /** Airflow's resume_execution: what a try resumed from deferral runs instead of `execute`. */
  resumeExecution(resume: Resume, context: TaskContext): unknown {
    return resumeMethod(this, resume, context);
  }

  /** This task's result, to pass to other tasks. */
  get output(): XComArg<TResult> {
    return new XComArg<TResult>(this);
  }

  /** `a.then(b)` is Airflow's `a >> b`. Returns its argument, so `a.then(b).then(c)` chains. */
  then<D extends Dependable>(downstream: D): D {
    for (const target of dependencyRootsOf(downstream)) this.dag.addDependency(this, target);
    return downstream;
  }

  /** `a.after(b)` is Airflow's `a << b`. Returns its argument. */
  after<D extends Dependable>(upstream: D): D {
    for (const source of dependencyLeavesOf(upstream)) this.dag.addDependency(source, this);
    return upstream;
  }

  dependencyRoots(): BaseOperator[] {
    return [this];
  }

  dependencyLeaves(): BaseOperator[] {
    return [this];
  }

  /** True when nothing needs running: Airflow marks such EmptyOperator tasks success without an executor. */
  get isNoop(): boolean {
    return false;
  }

  /** A per-task-instance copy with some properties replaced (mapped arguments, rendered templates). */
  withProperties(properties: Record<string, unknown>): this {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this)), this, properties) as this;
    return copy;
  }

  /**
   * Applies one map index's arguments. Classic operators take them as properties; TaskFlow tasks override this to
   * pass them to their function.
   */
  withMappedArguments(kwargs: Record<string, unknown>): this {
    return this.withProperties(kwargs);
  }

  toString(): string {
    return `<Task(${this.operatorName}): ${this.taskId}>`;
  }

  /**
   * Dynamic task mapping for classic operators (Airflow's `Op.partial(...).expand(...)`): one task instance per
   * element of the mapped arguments (their cartesian product for several), or per object with `expandKwargs`.
   */
  static partial<C extends new (options: any) => BaseOperator>(
    this: C,
    fixed: Partial<OptionsOf<C>> & { taskId: string },
  ): {
    expand(mapped: MappedArgs<OptionsOf<C>>): InstanceType<C>;
    expandKwargs(source: ReadonlyArray<Partial<{ [K in keyof OptionsOf<C>]: Input<OptionsOf<C>[K]> }>> | XComArg<unknown>): InstanceType<C>;
  } {
    const declare = (spec: MappedSpec): InstanceType<C> => {
      constructingMapped = true;
      let operator: InstanceType<C>;
      try {
        operator = new this(fixed) as InstanceType<C>;
      } finally {
        constructingMapped = false;
      }
      operator.mapped = spec;
      refuseMappingInMappedGroup(operator);
      const sources = spec.kind === "expand" ? Object.values(spec.mapped) : [spec.source];
      for (const arg of collectXComArgs(sources)) arg.operator.then(operator);
      return operator;
    };
    return {
      expand: (mapped) => {
        checkExpandArguments(`Task "${fixed.taskId}"`, mapped);
        return declare({ kind: "expand", fixed, mapped: mapped as Extract<MappedSpec, { kind: "expand" }>["mapped"] });
      },
      expandKwargs: (source) =>
        declare({ kind: "expand_kwargs", fixed, source: source as Extract<MappedSpec, { kind: "expand_kwargs" }>["source"] }),
    };
  }
}

function dependencyRootsOf(value: Dependable): BaseOperator[] {
  if (Array.isArray(value)) return value.flatMap((item) => dependencyRootsOf(item));
  if (value instanceof XComArg) return [value.operator];
  return (value as { dependencyRoots(): BaseOperator[] }).dependencyRoots();
}

function dependencyLeavesOf(value: Dependable): BaseOperator[] {
  if (Array.isArray(value)) return value.flatMap((item) => dependencyLeavesOf(item));
  if (value instanceof XComArg) return [value.operator];
  return (value as { dependencyLeaves(): BaseOperator[] }).dependencyLeaves();
}

export { dependencyLeavesOf, dependencyRootsOf };

function asList(callbacks: Callbacks | undefined): readonly TaskCallback[] {
  if (!callbacks) return [];
  return typeof callbacks === "function" ? [callbacks] : [...callbacks];
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function integer(value: number, name: string, where: string): number {
  if (!Number.isInteger(value)) throw new DagDefinitionError(`${name} of ${where} must be an integer, got ${JSON.stringify(value)}.`);
  return value;
}

function nonNegativeInt(value: number, name: string, where: string): number {
  if (integer(value, name, where) < 0) throw new DagDefinitionError(`${name} of ${where} must be ≥ 0, got ${value}.`);
  return value;
}

function positiveInt(value: number, name: string, where: string): number {
  if (integer(value, name, where) < 1) throw new DagDefinitionError(`${name} of ${where} must be ≥ 1, got ${value}.`);
  return value;
}
