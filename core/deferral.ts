/**
 * Deferral (Airflow 2.2+): a task ends its try by raising `TaskDeferred` with a trigger; the try's state becomes
 * `deferred`, its runner slot is freed, and a triggerer process runs the trigger. The trigger's first event puts the TI
 * back to `scheduled`; the resumed try (same try number) calls `next_method(context, event)` instead of `execute`.
 *
 * Glossary: a **trigger** is a small async waiter (serializable: a registered classpath plus JSON kwargs); a
 * **trigger event** is what it yields when the wait is over; the **triggerer** is the process that runs triggers.
 */
import type { TaskContext } from "./context.ts";
import { durationToSeconds, type Duration } from "./dates.ts";
import { UpdraftError } from "./errors.ts";
import type { JsonObject, JsonValue } from "./types.ts";

/** What a trigger yields when its wait is over; the payload reaches `next_method` as `event`. */
export class TriggerEvent {
  constructor(readonly payload: JsonValue = null) {}
}

/**
 * Airflow 2.10's task-end events (`end_from_trigger`): the triggerer ends the task instance itself in this state,
 * without resuming it in a runner.
 */
export class TaskEndEvent extends TriggerEvent {
  constructor(readonly taskInstanceState: "success" | "failed" | "skipped", payload: JsonValue = null) {
    super(payload);
  }
}

/** Which targets' states a workflow trigger or ExternalTaskSensor asks for (execution API: POST /external/states). */
export interface ExternalStatesQuery {
  dagId: string;
  /** Task ids; null = the runs themselves (DAG run states). */
  taskIds: readonly string[] | null;
  /** A task group of the external DAG: its tasks are the targets. */
  taskGroupId?: string | null;
  logicalDates: readonly Date[];
  /** Fail with a clear message when the DAG / tasks / group do not exist (check_existence). */
  checkExistence?: boolean;
}

/** The targets found: one row per existing TI (or run, without task ids), and how many tasks each date counts. */
export interface ExternalStates {
  /** Number of tasks per date that must be in an allowed state (1 for run states). */
  tasksPerDate: number;
  rows: Array<{ logicalDate: string; taskId: string | null; state: string | null }>;
}

/** What a running trigger may use. The triggerer reads the metadata database; `dags test` has none (see memory-run). */
export interface TriggerEnv {
  /** Aborted when the trigger must stop (its TI was cleared or marked, another triggerer took it, shutdown). */
  signal: AbortSignal;
  log(message: string): void;
  externalStates(query: ExternalStatesQuery): Promise<ExternalStates>;
  dagRunStates(dagId: string, runIds: readonly string[]): Promise<Record<string, string | null>>;
}

/**
 * Airflow's BaseTrigger. `run` is an async iterator: the triggerer keeps the first event it yields. Triggers must be
 * serializable (`classpath` names a kind registered with `registerTrigger`, `serialize()` gives JSON kwargs), since
 * the triggerer process rebuilds them from the database.
 */
export abstract class BaseTrigger {
  abstract readonly classpath: string;
  abstract serialize(): JsonObject;
  abstract run(env: TriggerEnv): AsyncIterable<TriggerEvent>;
}

type TriggerFactory = (kwargs: JsonObject) => BaseTrigger;
const registry = new Map<string, TriggerFactory>();

/** Makes a trigger kind known to the triggerer (built-in triggers register in triggers/registry.ts). */
export function registerTrigger(classpath: string, factory: TriggerFactory): void {
  registry.set(classpath, factory);
}

export function deserializeTrigger(classpath: string, kwargs: JsonObject): BaseTrigger {
  const factory = registry.get(classpath);
  if (!factory) {
    throw new TaskDeferralError(`Unknown trigger "${classpath}": the triggerer knows ${[...registry.keys()].join(", ")}. Register custom triggers with registerTrigger() in a module the triggerer imports.`);
  }
  return factory(kwargs);
}

/** Resume method that fails the task: the trigger timed out or could not run (Airflow's `__fail__`). */
export const FAIL_METHOD = "__fail__";
/** The `error` of a `__fail__` resume after the trigger timeout passed. */
export const TRIGGER_TIMEOUT_ERROR = "Trigger/execution timeout";

export interface DeferRequest {
  trigger: BaseTrigger;
  /** The operator method the resumed try calls as `method(context, event, kwargs)`. */
  methodName: string;
  kwargs?: JsonObject | null;
  /** Fail the task if no event came within this long. */
  timeout?: Duration | null;
}

/** Raised by `execute` (or `this.defer(...)`) to end the try as `deferred` (Airflow's TaskDeferred). */
export class TaskDeferred extends UpdraftError {
  readonly trigger: BaseTrigger;
  readonly methodName: string;
  readonly kwargs: JsonObject | null;
  readonly timeoutSeconds: number | null;
  constructor(request: DeferRequest) {
    super("TASK_DEFERRED", `Task deferred until ${request.trigger.classpath} fires`);
    this.trigger = request.trigger;
    this.methodName = request.methodName;
    this.kwargs = request.kwargs ?? null;
    this.timeoutSeconds = request.timeout === undefined || request.timeout === null ? null : durationToSeconds(request.timeout, "deferral timeout");
  }
}

/** The deferred trigger failed or the task cannot resume (retryable, as Airflow's TaskDeferralError). */
export class TaskDeferralError extends UpdraftError {
  constructor(message: string) {
    super("TASK_DEFERRAL_ERROR", message);
  }
}

/** No trigger event came before the trigger timeout (Airflow's TaskDeferralTimeout; retryable). */
export class TaskDeferralTimeout extends UpdraftError {
  constructor(taskId: string) {
    super("TASK_DEFERRAL_TIMEOUT", `Task "${taskId}" was deferred and its trigger did not fire before its timeout (${TRIGGER_TIMEOUT_ERROR}).`);
  }
}

/** How a try ended deferred, as stored on the TI and in the trigger table. */
export interface Deferral {
  classpath: string;
  triggerKwargs: JsonObject;
  nextMethod: string;
  nextKwargs: JsonObject;
  /** Airflow: min(now + timeout, start_date + execution_timeout); null = wait forever. */
  timeoutAt: Date | null;
}

export function deferralOf(deferred: TaskDeferred, startDate: Date, executionTimeoutSeconds: number | null): Deferral {
  const limits: number[] = [];
  if (deferred.timeoutSeconds !== null) limits.push(Date.now() + deferred.timeoutSeconds * 1000);
  if (executionTimeoutSeconds !== null) limits.push(startDate.getTime() + executionTimeoutSeconds * 1000);
  return {
    classpath: deferred.trigger.classpath,
    triggerKwargs: deferred.trigger.serialize(),
    nextMethod: deferred.methodName,
    nextKwargs: deferred.kwargs ?? {},
    timeoutAt: limits.length ? new Date(Math.min(...limits)) : null,
  };
}

/** A resumed try: the method to call and its kwargs (with `event` from the trigger). */
export interface Resume {
  method: string;
  kwargs: JsonObject;
}

/** Airflow's BaseOperator.resume_execution: `__fail__` fails the task, otherwise `method(context, event, kwargs)`. */
export async function resumeMethod(operator: object & { taskId: string }, resume: Resume, context: TaskContext): Promise<unknown> {
  const { event, ...kwargs } = resume.kwargs;
  if (resume.method === FAIL_METHOD) {
    if (kwargs.error === TRIGGER_TIMEOUT_ERROR) throw new TaskDeferralTimeout(operator.taskId);
    throw new TaskDeferralError(`Trigger failure for task "${operator.taskId}": ${String(kwargs.error ?? "unknown error")}${kwargs.traceback ? `\n${String(kwargs.traceback)}` : ""}`);
  }
  const method = (operator as Record<string, unknown>)[resume.method];
  if (typeof method !== "function") {
    throw new TaskDeferralError(`Task "${operator.taskId}" deferred to resume with "${resume.method}", but its operator has no such method.`);
  }
  context.log.info(`Resuming after deferral: calling ${resume.method}(event=${JSON.stringify(event ?? null)})`);
  return method.call(operator, context, event ?? null, kwargs);
}

/** Sleeps until `at` or until aborted (whichever first); false when aborted. */
export function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    // setTimeout's delay is a 32-bit int: long waits sleep in chunks.
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1));
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

