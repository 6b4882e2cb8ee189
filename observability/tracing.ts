import { randomBytes } from "node:crypto";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Tracer } from "@opentelemetry/api";
import { createRequire } from "node:module";
import type { BasicTracerProvider, IdGenerator, SpanExporter } from "@opentelemetry/sdk-trace-base";

// The SDK and exporter take ~0.8 s to import: loaded (synchronously, from their CommonJS builds) only once tracing
// is configured, so that processes and commands without it do not pay for it.
const require = createRequire(import.meta.url);
const sdk = () => require("@opentelemetry/sdk-trace-base") as typeof import("@opentelemetry/sdk-trace-base");

/**
 * Spans DAG run → task instance → try, made when each ends, with the times it started and ended (as Airflow 2.10
 * emits its spans from the scheduler after the fact). Ids are derived from the run and TI keys, so a try span made by
 * the process that served its runner and the run span made later by a scheduler land in one trace without any state
 * passed between them.
 */
export { runSpanId, runTraceId, tiSpanId, trySpanId } from "./span-ids.ts";

/** Hands the SDK the ids chosen for the span being started (startSpan is synchronous); random ones otherwise. */
class ChosenIds implements IdGenerator {
  next: { traceId?: string; spanId?: string } = {};
  generateTraceId = () => this.next.traceId ?? randomBytes(16).toString("hex");
  generateSpanId = () => this.next.spanId ?? randomBytes(8).toString("hex");
}

interface Tracing {
  provider: BasicTracerProvider;
  tracer: Tracer;
  ids: ChosenIds;
}

let tracing: Tracing | null | undefined;

function build(exporter: SpanExporter, batch: boolean): Tracing {
  const ids = new ChosenIds();
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = sdk();
  const { resourceFromAttributes } = require("@opentelemetry/resources") as typeof import("@opentelemetry/resources");
  const provider = new BasicTracerProvider({
    idGenerator: ids,
    resource: resourceFromAttributes({ "service.name": process.env.OTEL_SERVICE_NAME || "updraft" }),
    spanProcessors: [batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
  });
  return { provider, tracer: provider.getTracer("updraft"), ids };
}

/**
 * Where spans go over OTLP/HTTP: UPDRAFT_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (a base URL; /v1/traces is
 * appended), or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL). Null when none is set: tracing is then off.
 */
export function otlpTracesUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.UPDRAFT_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, "")}/v1/traces` : null;
}

function current(): Tracing | null {
  if (tracing === undefined) {
    const url = otlpTracesUrl();
    if (!url) tracing = null;
    else {
      const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
      tracing = build(new OTLPTraceExporter({ url }), true);
    }
  }
  return tracing;
}

/** Sends spans to this exporter from now on, one by one (tests, with an InMemorySpanExporter). */
export function useSpanExporter(exporter: SpanExporter): void {
  tracing = build(exporter, false);
}

/** Sends what is buffered and stops tracing; the next span reads the environment again. */
export async function shutdownTracing(): Promise<void> {
  const was = tracing;
  tracing = undefined;
  await was?.provider.shutdown().catch(() => {});
}

export function tracingEnabled(): boolean {
  return current() !== null;
}

export interface FinishedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  start: Date;
  end: Date;
  attributes: Attributes;
  /** Set for a failed run, TI or try: the span's status is ERROR with this message. */
  error?: string;
}

/** Records a span that already ended. Does nothing when tracing is off. */
export function emitSpan(span: FinishedSpan): void {
  const t = current();
  if (!t) return;
  t.ids.next = { traceId: span.traceId, spanId: span.spanId };
  try {
    const parent = span.parentSpanId
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
      : ROOT_CONTEXT;
    const started = t.tracer.startSpan(span.name, { kind: SpanKind.INTERNAL, startTime: span.start, attributes: span.attributes }, parent);
    if (span.error !== undefined) started.setStatus({ code: SpanStatusCode.ERROR, message: span.error });
    started.end(span.end < span.start ? span.start : span.end);
  } finally {
    t.ids.next = {};
  }
}
