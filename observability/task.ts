import type { TaskContext } from "../core/context.ts";
import { runTraceId, trySpanId } from "./span-ids.ts";

/**
 * For task code (`import { … } from "updraft/observability"`): the try's correlation ids, a logger that writes them
 * with every record, and the W3C `traceparent` of the try's span, so that a service the task calls joins the run's
 * trace. Nothing here opens a connection or loads the tracing SDK.
 */
export interface CorrelationIds {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  try_number: number;
}

type WithTi = Pick<TaskContext, "ti">;

export function correlationIds(context: WithTi): CorrelationIds {
  const { ti } = context;
  return { dag_id: ti.dagId, run_id: ti.runId, task_id: ti.taskId, map_index: ti.mapIndex, try_number: ti.tryNumber };
}

/** `00-<trace id>-<span id>-01`: the run's trace, this try's span as the parent of what the callee records. */
export function traceparent(context: WithTi): string {
  const { ti } = context;
  return `00-${runTraceId(ti.dagId, ti.runId)}-${trySpanId(ti.dagId, ti.runId, ti.taskId, ti.mapIndex, ti.tryNumber)}-01`;
}

/** A `traceparent` header read back (by a service the task called); null when it is malformed. */
export function parseTraceparent(header: string | undefined | null): { traceId: string; parentSpanId: string; sampled: boolean } | null {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header?.trim() ?? "");
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return null;
  return { traceId: match[1], parentSpanId: match[2], sampled: (parseInt(match[3], 16) & 1) === 1 };
}

type Level = "info" | "warn" | "error";
export type StructuredLogger = Record<Level, (message: string, fields?: Record<string, unknown>) => void>;

/** Writes one JSON record per call to the try's log (`context.log`), carrying the correlation ids and the trace id. */
export function structuredLogger(context: WithTi & Pick<TaskContext, "log">): StructuredLogger {
  const base = { ...correlationIds(context), trace_id: runTraceId(context.ti.dagId, context.ti.runId) };
  const write = (level: Level) => (message: string, fields: Record<string, unknown> = {}) =>
    context.log[level](JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields }));
  return { info: write("info"), warn: write("warn"), error: write("error") };
}
