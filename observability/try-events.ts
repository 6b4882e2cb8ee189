import { recordTryEnd } from "./metrics.ts";
import { runSpanId, runTraceId, tiSpanId, trySpanId } from "./span-ids.ts";
import { emitSpan, tracingEnabled } from "./tracing.ts";

/** A try as its execution-API token names it. */
export interface TryKey {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
}

// When tries and TIs started, in memory: the end of a try then costs no query. Bounded, oldest first out, for tries
// that never report an end (their runner died); 50,000 entries are a few MB.
const MAX_ENTRIES = 50_000;
const tryStarts = new Map<string, number>();
const tiStarts = new Map<string, number>();
const TERMINAL = new Set(["success", "failed", "skipped", "upstream_failed", "removed"]);
// The try goes on later under the same try number (a trigger fired, a sensor pokes again): it has not ended yet.
const PAUSED = new Set(["deferred", "up_for_reschedule"]);

const tiKey = (k: TryKey) => `${k.dagId}\u0000${k.runId}\u0000${k.taskId}\u0000${k.mapIndex}`;
const tryKey = (k: TryKey) => `${tiKey(k)}\u0000${k.tryNumber}`;

function remember(map: Map<string, number>, key: string, at: number): void {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, at);
}

/** The execution API started a try (its runner called /ti/start), or resumed a deferred or rescheduled one. */
export function tryStarted(key: TryKey, startDate: Date): void {
  if (!tryStarts.has(tryKey(key))) remember(tryStarts, tryKey(key), startDate.getTime());
  if (!tiStarts.has(tiKey(key))) remember(tiStarts, tiKey(key), startDate.getTime());
}

/** A try ended in `state` (its runner reported it, or the scheduler failed it): metrics, then the try's span and,
 * when the TI is done, the TI's. */
export function tryEnded(key: TryKey, state: string, error?: string | null): void {
  if (PAUSED.has(state)) return;
  const end = Date.now();
  const started = tryStarts.get(tryKey(key));
  tryStarts.delete(tryKey(key));
  recordTryEnd(key.dagId, key.taskId, state, started === undefined ? null : (end - started) / 1000);
  const terminal = TERMINAL.has(state);
  const tiStarted = tiStarts.get(tiKey(key));
  if (terminal) tiStarts.delete(tiKey(key));
  if (!tracingEnabled()) return;
  const traceId = runTraceId(key.dagId, key.runId);
  const tiSpan = tiSpanId(key.dagId, key.runId, key.taskId, key.mapIndex);
  const attributes = { dag_id: key.dagId, run_id: key.runId, task_id: key.taskId, map_index: key.mapIndex, try_number: key.tryNumber, state };
  const failed = state === "failed" || state === "up_for_retry" ? (error ?? state) : undefined;
  emitSpan({
    name: `${key.taskId}.try_${key.tryNumber}`, traceId, spanId: trySpanId(key.dagId, key.runId, key.taskId, key.mapIndex, key.tryNumber),
    parentSpanId: tiSpan, start: new Date(started ?? end), end: new Date(end), attributes: { ...attributes, category: "try" }, error: failed,
  });
  if (!terminal) return;
  emitSpan({
    name: key.mapIndex >= 0 ? `${key.taskId}[${key.mapIndex}]` : key.taskId, traceId, spanId: tiSpan, parentSpanId: runSpanId(key.dagId, key.runId),
    start: new Date(tiStarted ?? started ?? end), end: new Date(end), attributes: { ...attributes, category: "scheduler" },
    error: state === "failed" ? (error ?? state) : undefined,
  });
}
