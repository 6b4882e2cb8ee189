import type { BaseOperator, TaskCallback } from "../base-operator.ts";
import type { DagRunView, DatasetEventView, PreviousSuccess, TaskContext, TaskLogger } from "../context.ts";
import { InletEventAccessors, OutletEventAccessors } from "../dataset-event-accessors.ts";
import { mappingOf, mappingSources } from "../mapped.ts";
import { FailTask, SensorTimeoutError, SkipTask, TaskStoppedError, TaskTimeoutError } from "../errors.ts";
import { resolveParams } from "../params.ts";
import { bindRuntime, type TaskRuntime } from "../runtime.ts";
import { isRetryEligible, nextRetryAt } from "../semantics/retry.ts";
import { RescheduleTask } from "../sensor.ts";
import { deferralOf, TaskDeferred, type Deferral, type Resume } from "../deferral.ts";
import { renderTemplateFields, templateVariables, type TemplateLookups } from "../templating/index.ts";
import { RETURN_VALUE_KEY, type JsonObject } from "../types.ts";
import { resolveXComArgs, XComArg } from "../xcom-arg.ts";
import { resolveInput, resolveMappedArguments } from "./mapped-arguments.ts";
import { checkMappable, toXComValue } from "./xcom-value.ts";
import { TryLineage } from "../../lineage/try-lineage.ts";
import { maskingLogger, maskingRuntime } from "../masking/masking-runtime.ts";
import { redactJson, redactOutcome } from "../masking/secrets-masker.ts";

export interface TryRequest {
  task: BaseOperator;
  dagRun: DagRunView;
  mapIndex: number;
  tryNumber: number;
  maxTries: number;
  /** Start of this try (for reschedule-mode sensors: of the first poke). */
  startDate: Date;
  prevSuccess: PreviousSuccess | null;
  prevExecutionDate: Date | null;
  nextExecutionDate: Date | null;
  expandedTiCount: number | null;
  /** For a dataset-triggered run: the events it consumed, by URI. */
  triggeringDatasetEvents?: Record<string, DatasetEventView[]>;
  runtime: TaskRuntime;
  log: TaskLogger;
  testMode?: boolean;
  /** Aborted from outside when the try must stop (its TI was cleared or marked meanwhile, the runner is shutting down). */
  signal?: AbortSignal;
  /** Set when the try resumes from deferral: the method to call instead of `execute`, with the trigger's event. */
  resume?: Resume | null;
}

export type TryOutcome =
  | { state: "success"; outletEvents?: Array<{ uri: string; extra: JsonObject }> }
  | { state: "skipped"; reason: string }
  | { state: "up_for_retry"; error: string; nextRetryAt: Date }
  | { state: "failed"; error: string }
  | { state: "up_for_reschedule"; rescheduleAt: Date }
  | { state: "deferred"; deferral: Deferral };

/** The outcome, plus the rendered template fields and the rendered `mapIndexTemplate`, kept per task instance. */
export type TryResult = TryOutcome & { rendered: JsonObject; renderedMapIndex: string | null };

/**
 * Runs one try of one task instance, in Airflow's order: resolve mapped arguments → render templates →
 * on_execute callbacks → execute (under execution_timeout) → push the result XCom → success/skip/retry/failure
 * callbacks. Never throws for a task's failure: the outcome is the result.
 */
export async function executeTry(unmasked: TryRequest): Promise<TryResult> {
  const request = { ...unmasked, runtime: maskingRuntime(unmasked.runtime), log: maskingLogger(unmasked.log) };
  const abort = new AbortController();
  const context = buildTaskContext(request, abort.signal);
  const rendered: JsonObject = {};
  const lineage = TryLineage.begin(request);
  const outcome = await runTry(request, context, abort, rendered, lineage);
  await lineage?.end(outcome, request.signal?.aborted ?? false);
  return { ...redactOutcome(outcome), rendered: redactJson(rendered), renderedMapIndex: await renderMapIndex(request, context) };
}

async function runTry(request: TryRequest, context: TaskContext, abort: AbortController, rendered: JsonObject, lineage: TryLineage | null): Promise<TryOutcome> {
  const { task, log } = request;
  try {
    context.params = resolveParams([task.dag.params, task.params], request.dagRun.conf, `DAG "${task.dag.dagId}"`);
    let operator = task;
    if (task.mapped) {
      operator = operator.withMappedArguments(await resolveMappedArguments(task.mapped, `Task "${task.taskId}"`, request.mapIndex, request.runtime));
    }
    const renderedFields = await renderFields(operator, context, request.runtime, request.mapIndex);
    operator = operator.withProperties(renderedFields);
    Object.assign(rendered, toRenderedJson(renderedFields));
    await lineage?.start(operator, context);

    await runCallbacks(operator.onExecuteCallback, context, log, "on_execute_callback");
    const resume = request.resume;
    const run = () => (resume ? operator.resumeExecution(resume, context) : operator.execute(context));
    const result = await withTimeout(operator, run, abort, request.signal, resume ? request.startDate : null);
    await pushResult(operator, result, request.runtime);
    // As Airflow, callbacks see the state the try ends in.
    context.ti.state = "success";
    await runCallbacks(operator.onSuccessCallback, context, log, "on_success_callback");
    return { state: "success", outletEvents: context.outletEvents.eventsFor(operator.outlets) };
  } catch (error) {
    abort.abort();
    if (error instanceof SkipTask) {
      log.info(error.message);
      context.ti.state = "skipped";
      await runCallbacks(task.onSkippedCallback, context, log, "on_skipped_callback");
      await runCallbacks(task.onSuccessCallback, context, log, "on_success_callback");
      return { state: "skipped", reason: error.message };
    }
    if (error instanceof RescheduleTask) return { state: "up_for_reschedule", rescheduleAt: error.rescheduleAt };
    if (error instanceof TaskDeferred) {
      log.info(`Pausing task as DEFERRED: ${error.message}`);
      return { state: "deferred", deferral: deferralOf(error, request.startDate, task.executionTimeoutSeconds) };
    }
    const message = describeError(error);
    log.error(`Task failed: ${message}`);
    context.exception = error;
    const forced = error instanceof FailTask || error instanceof SensorTimeoutError;
    const eligible =
      !forced && isRetryEligible({ state: "running", tryNumber: request.tryNumber, maxTries: request.maxTries }, { retries: task.retries });
    if (eligible) {
      const at = nextRetryAt({
        endDate: new Date(),
        retryDelaySeconds: task.retryDelaySeconds,
        exponentialBackoff: task.retryExponentialBackoff,
        maxRetryDelaySeconds: task.maxRetryDelaySeconds,
        dagId: task.dag.dagId,
        taskId: task.taskId,
        logicalDate: request.dagRun.logicalDate,
        tryNumber: request.tryNumber,
      });
      log.info(`Marking task as UP_FOR_RETRY; next try at ${at.toISOString()}`);
      context.ti.state = "up_for_retry";
      await runCallbacks(task.onRetryCallback, context, log, "on_retry_callback");
      if (task.email.length) await (await import("../../notifications/task-email.ts")).sendTaskAlertEmail(task, context, "up_for_retry");
      return { state: "up_for_retry", error: message, nextRetryAt: at };
    }
    log.info(forced ? "Marking task as FAILED without retrying." : "Marking task as FAILED.");
    context.ti.state = "failed";
    await runCallbacks(task.onFailureCallback, context, log, "on_failure_callback");
    if (task.email.length) await (await import("../../notifications/task-email.ts")).sendTaskAlertEmail(task, context, "failed");
    return { state: "failed", error: message };
  }
}

/**
 * Airflow renders `map_index_template` after the task ran, so a task can set what its label shows. A template that
 * fails to render leaves the plain map index.
 */
async function renderMapIndex(request: TryRequest, context: TaskContext): Promise<string | null> {
  const template = request.task.mapIndexTemplate;
  if (!template || request.mapIndex < 0) return null;
  try {
    return String(await renderTemplateFields(template, templateVariables(context), lookupsFor(request.runtime)));
  } catch (error) {
    request.log.warn(`Could not render mapIndexTemplate: ${describeError(error)}`);
    return null;
  }
}

/** The context a try sees (and, for the run's last TI, what DAG-level callbacks see), bound to its runtime. */
export function buildTaskContext(request: TryRequest, signal: AbortSignal): TaskContext {
  const context = contextOf(request, signal);
  bindRuntime(context, request.runtime);
  return context;
}

function lookupsFor(runtime: TaskRuntime): TemplateLookups {
  return {
    variable: (key) => runtime.getVariable(key),
    connection: (connId) => runtime.getConnection(connId),
    xcomPull: (args) => runtime.xcomPull(args),
  };
}

function contextOf(request: TryRequest, signal: AbortSignal): TaskContext {
  const { task, dagRun, runtime } = request;
  const dag = task.dag;
  return {
    dag: { dagId: dag.dagId, owner: dag.owner, tags: dag.tags, timezone: dag.timezone },
    task: { taskId: task.taskId, operator: task.operatorName, retries: task.retries, queue: task.queue, pool: task.pool },
    dagRun,
    ti: {
      dagId: dag.dagId,
      runId: dagRun.runId,
      taskId: task.taskId,
      mapIndex: request.mapIndex,
      tryNumber: request.tryNumber,
      maxTries: request.maxTries,
      state: "running",
      startDate: request.startDate,
      xcomPull: async (args = {}) => (await runtime.xcomPull(args)) as never,
      xcomPush: async (key, value) => runtime.xcomPush(key, toXComValue(value, `XCom "${key}" of task "${task.taskId}"`)),
    },
    runId: dagRun.runId,
    logicalDate: dagRun.logicalDate,
    dataIntervalStart: dagRun.dataIntervalStart,
    dataIntervalEnd: dagRun.dataIntervalEnd,
    prevExecutionDate: request.prevExecutionDate,
    nextExecutionDate: request.nextExecutionDate,
    prevSuccess: request.prevSuccess,
    params: {},
    mapIndex: request.mapIndex,
    expandedTiCount: request.expandedTiCount,
    triggeringDatasetEvents: request.triggeringDatasetEvents ?? {},
    outletEvents: new OutletEventAccessors(),
    inletEvents: new InletEventAccessors(task.inlets, async (uri) => {
      if (!runtime.datasetEvents) throw new Error("This task runtime cannot read dataset events.");
      return runtime.datasetEvents(uri);
    }),
    testMode: request.testMode ?? false,
    variables: {
      get: async (key, defaultValue) => (await runtime.getVariable(key)) ?? defaultValue,
      getJson: async (key, defaultValue) => {
        const raw = await runtime.getVariable(key);
        return raw === undefined ? defaultValue : JSON.parse(raw);
      },
    },
    connections: {
      get: async (connId) => {
        const connection = await runtime.getConnection(connId);
        if (!connection) {
          throw new Error(`Connection "${connId}" is not defined: add it with "updraft connections add ${connId} --conn-uri …" or set UPDRAFT_CONN_${connId.toUpperCase()}.`);
        }
        return connection;
      },
    },
    log: request.log,
    signal,
  };
}

async function renderFields(operator: BaseOperator, context: TaskContext, runtime: TaskRuntime, mapIndex: number): Promise<Record<string, unknown>> {
  const fields = operator.templateFields;
  if (fields.length === 0) return {};
  const lookups = lookupsFor(runtime);
  const variables = templateVariables(context);
  const native = operator.dag.renderTemplateAsNativeObj;
  const rendered: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = (operator as unknown as Record<string, unknown>)[field];
    if (raw === undefined) continue;
    const resolved = await resolveXComArgs(raw, (arg) => resolveInput(operator, arg, mapIndex, runtime));
    rendered[field] = await renderTemplateFields(resolved, variables, lookups, { native });
  }
  return rendered;
}

function toRenderedJson(fields: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) {
    try {
      out[key] = JSON.parse(JSON.stringify(value ?? null));
    } catch {
      out[key] = String(value);
    }
  }
  return out;
}

async function pushResult(operator: BaseOperator, result: unknown, runtime: TaskRuntime): Promise<void> {
  const where = `the return value of task "${operator.taskId}"`;
  const value = result === undefined || result === null ? null : toXComValue(result, where);
  // As Airflow, only an unmapped task's result is checked: a mapped task's TIs that return nothing are just not counted.
  if (!mappingOf(operator) && hasMappedDependants(operator)) checkMappable(value, operator.taskId);
  if (!operator.doXcomPush || value === null) return;
  await runtime.xcomPush(RETURN_VALUE_KEY, value);
  if ("multipleOutputs" in operator && operator.multipleOutputs) {
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new TypeError(`Task "${operator.taskId}" has multipleOutputs but returned ${Array.isArray(value) ? "a list" : typeof value}; return an object.`);
    }
    for (const [key, item] of Object.entries(value)) await runtime.xcomPush(key, item);
  }
}

function hasMappedDependants(operator: BaseOperator): boolean {
  for (const id of operator.downstreamTaskIds) {
    const downstream = operator.dag.tasks.get(id);
    const sources = downstream ? mappingSources(mappingOf(downstream)) : [];
    if (sources.some((s) => s instanceof XComArg && s.operator.taskId === operator.taskId)) return true;
  }
  return false;
}

/**
 * Runs `execute` until it ends, its execution_timeout passes, or the try is stopped from outside. A try resumed from
 * deferral gets what remains of execution_timeout since the try started (Airflow).
 */
async function withTimeout<T>(operator: BaseOperator, run: () => T | Promise<T>, abort: AbortController, external?: AbortSignal, resumedFrom: Date | null = null): Promise<T> {
  const full = operator.executionTimeoutSeconds;
  const seconds = full !== null && resumedFrom ? Math.max(0, full - (Date.now() - resumedFrom.getTime()) / 1000) : full;
  let timer: NodeJS.Timeout | undefined;
  let onExternalAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    const kill = (error: Error) => {
      abort.abort();
      operator.onKill();
      reject(error);
    };
    if (seconds !== null) timer = setTimeout(() => kill(new TaskTimeoutError(operator.taskId, seconds)), seconds * 1000);
    if (external) {
      onExternalAbort = () => kill(new TaskStoppedError(operator.taskId, String(external.reason ?? "stopped")));
      if (external.aborted) onExternalAbort();
      else external.addEventListener("abort", onExternalAbort, { once: true });
    }
  });
  try {
    return await Promise.race([Promise.resolve().then(run), stop]);
  } finally {
    clearTimeout(timer);
    if (onExternalAbort) external?.removeEventListener("abort", onExternalAbort);
  }
}

/** Callback errors are logged and swallowed, as in Airflow: a callback never changes the task's outcome. */
async function runCallbacks(callbacks: readonly TaskCallback[], context: TaskContext, log: TaskLogger, name: string): Promise<void> {
  for (const callback of callbacks) {
    try {
      await callback(context);
    } catch (error) {
      log.error(`Error in ${name} ${callback.name || "(anonymous)"}: ${describeError(error)}`);
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
