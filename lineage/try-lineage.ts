import type { BaseOperator } from "../core/base-operator.ts";
import type { TaskContext, TaskLogger } from "../core/context.ts";
import type { DagRunView } from "../core/context.ts";
import type { TaskRuntime } from "../core/runtime.ts";
import { redactJson } from "../core/masking/secrets-masker.ts";
import { BufferedSender } from "./emitter.ts";
import { operatorLineage, type Phase } from "./extract/operator.ts";
import { processLineage } from "./process-emitter.ts";
import { taskRunEvent, type TryIdentity } from "./task-events.ts";
import type { EventType, RunEvent } from "./types.ts";

export interface TryLineageRequest {
  task: BaseOperator;
  dagRun: DagRunView;
  mapIndex: number;
  tryNumber: number;
  runtime: TaskRuntime;
  log: TaskLogger;
}

export type TryEnd = { state: "success" | "skipped" | "up_for_retry" | "failed" | "up_for_reschedule" | "deferred"; error?: string };

/**
 * The OpenLineage events of one try: START once the operator is rendered, then COMPLETE (success, skipped), FAIL
 * (failed, up for retry), ABORT (stopped from outside) or RUNNING (a sensor rescheduled: the same try goes on later).
 * Building an event is awaited (milliseconds: at most a connection lookup for SQL); delivery is in the background,
 * to the transports the environment configures and, from a task runner, to Updraft's own lineage service.
 */
export class TryLineage {
  private operator: BaseOperator;
  private context: TaskContext | undefined;
  private started = false;
  private readonly builtin: BufferedSender | null;

  private constructor(private readonly request: TryLineageRequest, private readonly shared: NonNullable<ReturnType<typeof processLineage>>) {
    this.operator = request.task;
    const send = request.runtime.sendLineageEvent?.bind(request.runtime);
    this.builtin = shared.config.builtin && send ? new BufferedSender({ name: "updraft lineage service", send }) : null;
  }

  static begin(request: TryLineageRequest): TryLineage | null {
    const shared = processLineage();
    if (!shared) return null;
    const lineage = new TryLineage(request, shared);
    // Nowhere to send events (`dags test` without a transport): no extraction work at all.
    return lineage.builtin || shared.emitter.senders.length ? lineage : null;
  }

  async start(operator: BaseOperator, context: TaskContext): Promise<void> {
    this.operator = operator;
    this.context = context;
    this.started = true;
    await this.emit("START", "start");
  }

  async end(outcome: TryEnd, aborted: boolean): Promise<void> {
    if (!this.started) await this.emit("START", "start");
    if (aborted) return this.emit("ABORT", "failure", errorOf(outcome));
    switch (outcome.state) {
      case "success":
      case "skipped":
        return this.emit("COMPLETE", "complete");
      case "up_for_reschedule":
      case "deferred":
        return this.emit("RUNNING", "start");
      default:
        return this.emit("FAIL", "failure", errorOf(outcome) ?? "failed");
    }
  }

  private async emit(type: EventType, phase: Phase, error?: string): Promise<void> {
    try {
      const { operator, request } = this;
      const context = this.context ?? ({} as TaskContext);
      const found = await operatorLineage(operator, context, request.runtime, phase);
      for (const warning of found.warnings) request.log.warn(`[openlineage] ${warning}`);
      const identity: TryIdentity = {
        namespace: this.shared.config.namespace,
        operator,
        logicalDate: request.dagRun.logicalDate,
        dataIntervalStart: request.dagRun.dataIntervalStart,
        dataIntervalEnd: request.dagRun.dataIntervalEnd,
        tryNumber: request.tryNumber,
        mapIndex: request.mapIndex,
        includeSourceCode: !this.shared.config.disableSourceCode,
      };
      this.deliver(taskRunEvent(type, identity, found, error));
    } catch (failure) {
      request_log(this.request.log, `could not build the ${type} event: ${(failure as Error).message}`);
    }
  }

  private deliver(raw: RunEvent): void {
    // As task logs: a secret the try read (a connection's password in a rendered statement, an error) never leaves it.
    const event = redactJson(raw);
    this.shared.emitter.emit(event);
    // Updraft's own service gets each try's outcome only: the terminal event carries the same job, inputs and outputs
    // as START, and every write here lands on the scheduler's database (PGlite has one connection for everything).
    if (event.eventType !== "START" && event.eventType !== "RUNNING") this.builtin?.enqueue(event);
  }
}

function request_log(log: TaskLogger, message: string): void {
  try {
    log.warn(`[openlineage] ${message}`);
  } catch {
    // the try's log is closed: nothing else to tell
  }
}

function errorOf(outcome: TryEnd): string | undefined {
  return "error" in outcome && typeof outcome.error === "string" ? outcome.error : undefined;
}
