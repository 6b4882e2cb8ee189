import { createHash } from "node:crypto";

/**
 * Trace and span ids derived from the run and TI keys (see tracing.ts): whoever knows a try's key can name its span,
 * so a span made in a task, or by a service the task calls, joins the run's trace without anything stored.
 */
const hex = (...parts: Array<string | number>) => createHash("sha256").update(parts.join("\u0000")).digest("hex");
export const runTraceId = (dagId: string, runId: string) => hex("run", dagId, runId).slice(0, 32);
export const runSpanId = (dagId: string, runId: string) => hex("run", dagId, runId).slice(32, 48);
export const tiSpanId = (dagId: string, runId: string, taskId: string, mapIndex: number) => hex("ti", dagId, runId, taskId, mapIndex).slice(0, 16);
export const trySpanId = (dagId: string, runId: string, taskId: string, mapIndex: number, tryNumber: number) =>
  hex("try", dagId, runId, taskId, mapIndex, tryNumber).slice(0, 16);
