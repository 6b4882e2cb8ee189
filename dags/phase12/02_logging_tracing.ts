/**
 * phase12_02_logging_tracing — correlated logs and a trace that crosses into another service.
 *
 * Shows:
 * - `structuredLogger(context)` (from "updraft/observability"): JSON records in the try's log, each carrying dag_id,
 *   run_id, task_id, map_index, try_number and the run's trace id — the same ids the scheduler and executor put in
 *   their own logs (UPDRAFT_LOG_FORMAT=json), so one query finds everything about a try;
 * - `traceparent(context)`: the W3C header naming this try's span in the run's trace (DAG run → task instance → try,
 *   exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set). `enrichRows` sends it to an HTTP service (a local one
 *   the task starts), which records its work as a child of the try: the service's span lands in the run's trace;
 * - `verifyTrace` checks what the service saw: the run's trace id and `enrichRows`' try span as its parent.
 * Run it: `updraft dags test phase12_02_logging_tracing 2024-01-03`; with `updraft standalone` and an OTLP collector
 * (e.g. Jaeger on :4318) set OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 to see the spans.
 */
import { dag, getCurrentContext, task } from "updraft";
import { structuredLogger, traceparent } from "updraft/observability";
import { startEnrichmentService, type ServiceSpan } from "./lib/enrichment-service.ts";

const extractRows = task(async function extractRows() {
  const log = structuredLogger(getCurrentContext());
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
  log.info("extracted rows", { rows: rows.length, source: "orders" });
  return rows;
});

const enrichRows = task(async function enrichRows(rows: Array<{ id: number }>) {
  const context = getCurrentContext();
  const log = structuredLogger(context);
  const service = await startEnrichmentService();
  try {
    const header = traceparent(context);
    const response = await fetch(service.url, {
      method: "POST", headers: { "content-type": "application/json", traceparent: header }, body: JSON.stringify(rows), signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`The enrichment service answered HTTP ${response.status}: ${await response.text()}`);
    const enriched = (await response.json()) as Array<{ id: number; region: string }>;
    log.info("enriched rows", { rows: enriched.length, traceparent: header });
    return { sent: header, seen: service.spans };
  } finally {
    await service.close();
  }
});

const verifyTrace = task(async function verifyTrace(call: { sent: string; seen: ServiceSpan[] }) {
  const log = structuredLogger(getCurrentContext());
  const [, traceId, spanId] = call.sent.split("-");
  const ownTraceId = traceparent(getCurrentContext()).split("-")[1];
  if (call.seen.length !== 1) throw new Error(`The service recorded ${call.seen.length} span(s), expected 1.`);
  const [span] = call.seen;
  if (span.traceId !== ownTraceId || span.traceId !== traceId) throw new Error(`The service's span is in trace ${span.traceId}, not the run's ${ownTraceId}.`);
  if (span.parentSpanId !== spanId) throw new Error(`The service's span has parent ${span.parentSpanId}, not enrichRows' try span ${spanId}.`);
  log.info("trace verified", { service_span: span.name });
  return { traceId, parentSpanId: spanId, rows: span.rows };
});

export default dag(
  { dagId: "phase12_02_logging_tracing", description: "Correlated logs and a trace that crosses into another service", schedule: null, startDate: "2024-01-01", tags: ["phase12", "observability"] },
  () => {
    verifyTrace(enrichRows(extractRows()));
  },
);
