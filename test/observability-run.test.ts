import { createSocket, type Socket } from "node:dgram";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { join } from "node:path";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { startMetricsServer } from "../observability/metrics-endpoint.ts";
import { dagRunEnded } from "../observability/run-events.ts";
import { runSpanId, runTraceId, shutdownTracing, tiSpanId, useSpanExporter } from "../observability/tracing.ts";
import { createApp, listen, type RunningServer } from "../webserver/app.ts";
import { ExecutionApi } from "../webserver/execution-api/execution-api.ts";
import { BACKENDS } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";

/**
 * One failing run through the real scheduler, local executor and execution API, watched the way an operator does:
 * Prometheus scraping GET /metrics, StatsD datagrams, and OpenTelemetry spans.
 */
const statsd: Socket = createSocket("udp4");
const datagrams: string[] = [];
statsd.on("message", (message) => datagrams.push(...String(message).split("\n")));
await new Promise<void>((resolve) => statsd.bind(0, "127.0.0.1", () => resolve()));
process.env.UPDRAFT_STATSD_HOST = "127.0.0.1";
process.env.UPDRAFT_STATSD_PORT = String(statsd.address().port);

describe("observing a DAG run", () => {
  let db: Database;
  let harness: Harness;
  let scrape: RunningServer;
  let runId: string;
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    useSpanExporter(spans);
    db = await BACKENDS[0].open();
    const bag = await DagBag.load(join(import.meta.dirname, "fixtures", "observability"));
    expect(bag.importErrors).toEqual([]);
    harness = await startHarness(db, [...bag.dags.values()], { parallelism: 1 });
    scrape = await listen(createApp({ executionApi: new ExecutionApi(db, Buffer.from("x"), { onTryFinished() {} }), db }), 0);
    await db.query("INSERT INTO import_error (filename, stacktrace) VALUES ('dags/broken.ts', 'SyntaxError')");
    const run = await triggerDagRun(db, "observed_etl");
    runId = run.run_id;
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun("observed_etl", runId)).toBe("failed");
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await scrape?.close();
    await db?.close();
    statsd.close();
    await shutdownTracing();
  });

  it("serves Airflow's metrics on GET /metrics: task outcomes, run duration, scheduler, executor, pools, import errors", async () => {
    const response = await fetch(`${scrape.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"|]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value('airflow_ti_successes{dag_id="observed_etl",task_id="extract"}')).toBe(1);
    // Both tries of `load` failed: the first was retried, the second failed the run.
    expect(value('airflow_ti_failures{dag_id="observed_etl",task_id="load"}')).toBe(2);
    expect(value('airflow_ti_finish{dag_id="observed_etl",task_id="load",state="up_for_retry"}')).toBe(1);
    expect(value('airflow_dag_task_duration_count{dag_id="observed_etl",task_id="extract"}')).toBe(1);
    expect(value('airflow_dagrun_duration_failed_count{dag_id="observed_etl"}')).toBe(1);
    expect(text).not.toContain('airflow_dagrun_duration_success_count{dag_id="observed_etl"}');
    expect(value("airflow_scheduler_heartbeat")).toBeGreaterThanOrEqual(1);
    expect(value("airflow_scheduler_scheduler_loop_duration_count")).toBeGreaterThan(0);
    expect(value("airflow_executor_open_slots")).toBe(1);
    expect(value("airflow_executor_running_tasks")).toBe(0);
    expect(value('airflow_pool_open_slots{pool_name="default_pool"}')).toBe(128);
    expect(value('airflow_pool_running_slots{pool_name="default_pool"}')).toBe(0);
    expect(value("airflow_dag_processing_import_errors")).toBe(1);
  });

  it("sends the same events to StatsD with Airflow's dotted names and prefix", async () => {
    const deadline = Date.now() + 5000;
    while (!datagrams.some((d) => d.startsWith("airflow.dagrun.duration.failed.observed_etl:")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(datagrams).toContain("airflow.ti_successes:1|c");
    expect(datagrams.filter((d) => d === "airflow.ti_failures:1|c")).toHaveLength(2);
    expect(datagrams).toContain("airflow.ti.finish.observed_etl.load.failed:1|c");
    expect(datagrams.some((d) => /^airflow\.dagrun\.duration\.failed\.observed_etl:\d+(\.\d+)?\|ms$/.test(d))).toBe(true);
  });

  it("records spans DAG run → task instance → try, linked in one trace, failures marked as errors", () => {
    const ours = spans.getFinishedSpans().filter((s) => s.attributes.dag_id === "observed_etl" && s.attributes.run_id === runId);
    const byName = (name: string) => ours.filter((s) => s.name === name);
    const run = byName("observed_etl")[0];
    const traceId = runTraceId("observed_etl", runId);
    expect(run.spanContext()).toMatchObject({ traceId, spanId: runSpanId("observed_etl", runId) });
    expect(run.attributes).toMatchObject({ category: "DAG runs", state: "failed", run_type: "manual" });
    expect(run.status.code).toBe(2); // ERROR
    for (const ti of [...byName("extract"), ...byName("load")]) {
      expect(ti.spanContext().traceId).toBe(traceId);
      expect(parentOf(ti)).toBe(run.spanContext().spanId);
    }
    expect(byName("load")[0].status.code).toBe(2);
    expect(byName("extract")[0].status.code).not.toBe(2);
    const loadTries = ours.filter((s) => s.name.startsWith("load.try_")).sort((a, b) => Number(a.attributes.try_number) - Number(b.attributes.try_number));
    expect(loadTries.map((s) => [s.attributes.try_number, s.attributes.state])).toEqual([[1, "up_for_retry"], [2, "failed"]]);
    for (const attempt of loadTries) expect(parentOf(attempt)).toBe(tiSpanId("observed_etl", runId, "load", -1));
    // The TI span covers both tries.
    const load = byName("load")[0];
    expect(hr(load.startTime)).toBeLessThanOrEqual(hr(loadTries[0].startTime));
    expect(hr(load.endTime)).toBeGreaterThanOrEqual(hr(loadTries[1].endTime));
  });

  it("exports spans over OTLP/HTTP to the endpoint OTEL_EXPORTER_OTLP_ENDPOINT names", async () => {
    const received: Array<{ path: string; type: string; body: string }> = [];
    const receiver: Server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ path: req.url ?? "", type: req.headers["content-type"] ?? "", body });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
    const { port } = receiver.address() as { port: number };
    await shutdownTracing();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    try {
      dagRunEnded({ dag_id: "otlp_dag", run_id: "manual__1", run_type: "manual", logical_date: new Date(), queued_at: null, start_date: new Date(Date.now() - 1000), external_trigger: true }, "success", null);
      await shutdownTracing(); // flushes the batch
      expect(received).toHaveLength(1);
      expect(received[0].path).toBe("/v1/traces");
      expect(received[0].type).toContain("application/json");
      const sent = JSON.parse(received[0].body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; traceId: string }> }> }> };
      const span = sent.resourceSpans[0].scopeSpans[0].spans[0];
      expect(span.name).toBe("otlp_dag");
      expect(span.traceId).toBe(runTraceId("otlp_dag", "manual__1"));
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      receiver.close();
    }
  });

  it("`updraft scheduler`'s own endpoint (UPDRAFT_METRICS_PORT) serves the same registry", async () => {
    const server = (await startMetricsServer("0"))!;
    try {
      expect(await (await fetch(server.url)).text()).toContain('airflow_ti_successes{dag_id="observed_etl",task_id="extract"} 1');
      expect((await fetch(server.url.replace("/metrics", "/other"))).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(startMetricsServer("http")).rejects.toThrow(/UPDRAFT_METRICS_PORT "http" is not a port number/);
  });

  it("reports the scheduler healthy on GET /health while it heartbeats, unhealthy once it is gone", async () => {
    const health = async () => ((await (await fetch(`${scrape.url}/health`)).json()) as { scheduler: { status: string } }).scheduler.status;
    expect(await health()).toBe("healthy");
    await harness.scheduler.stop();
    expect(await health()).toBe("unhealthy");
  });
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const hr = (time: [number, number]) => time[0] * 1e9 + time[1];

describe("a try that pauses (deferred, rescheduled) and goes on under the same try number", () => {
  it("is one try span, from its first start to its real end, counted once", async () => {
    const { tryEnded, tryStarted } = await import("../observability/try-events.ts");
    const exporter = new InMemorySpanExporter();
    useSpanExporter(exporter);
    try {
      const key = { dagId: "paused_dag", runId: "r1", taskId: "wait", mapIndex: -1, tryNumber: 1 };
      const firstStart = new Date(Date.now() - 60_000);
      tryStarted(key, firstStart);
      tryEnded(key, "up_for_reschedule");
      tryStarted(key, new Date(Date.now() - 1_000));
      tryEnded(key, "deferred");
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      tryEnded(key, "success");
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name).sort()).toEqual(["wait", "wait.try_1"]);
      expect(hr(spans.find((s) => s.name === "wait.try_1")!.startTime)).toBe(firstStart.getTime() * 1e6);
    } finally {
      await shutdownTracing();
    }
  });
});
