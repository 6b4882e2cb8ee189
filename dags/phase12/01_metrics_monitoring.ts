/**
 * phase12_01_metrics_monitoring — metrics a pipeline records, and alert rules over them and over Updraft's own.
 *
 * Shows:
 * - a task that records business metrics with prom-client (rows processed and rejected, per-row latency) and hands
 *   them on in Prometheus's text format, the format Updraft's own GET /metrics serves;
 * - scraping a running Updraft's /metrics when UPDRAFT_METRICS_URL is set (e.g. http://127.0.0.1:8080/metrics under
 *   `updraft standalone`): its Airflow-named metrics — airflow_ti_failures, airflow_dag_processing_import_errors,
 *   airflow_executor_open_slots — feed the same rules; an endpoint that does not answer fails the task within 5 s
 *   with the URL and the reason. Unset, the Updraft rules report `no_data`;
 * - alert rules (threshold, severity, no-data detection) evaluated over both: here the 2 rejected rows of 25 (8 %)
 *   fire the "reject ratio above 5 %" warning; a critical alert would fail `evaluate_alerts`.
 * Run it: `updraft dags test phase12_01_metrics_monitoring 2024-01-03`.
 */
import { Counter, Histogram, Registry } from "prom-client";
import { dag, task } from "updraft";
import { evaluateRules, ratio, type AlertRule } from "./lib/alert-rules.ts";
import { parsePrometheusText, sumOf } from "./lib/prometheus-text.ts";

const SCRAPE_TIMEOUT_MS = 5_000;

const RULES: AlertRule[] = [
  { name: "HighRejectRatio", severity: "warning", summary: "More than 5 % of the batch's rows were rejected", op: ">", threshold: 0.05,
    value: (s) => ratio(s, "pipeline_rows_rejected_total", "pipeline_rows_processed_total") },
  { name: "SlowRows", severity: "critical", summary: "Median row latency above 250 ms", op: ">", threshold: 0.25,
    value: (s) => {
      const count = sumOf(s, "pipeline_row_latency_seconds_count");
      return count ? (sumOf(s, "pipeline_row_latency_seconds_sum") ?? 0) / count : null;
    } },
  { name: "DagImportErrors", severity: "warning", summary: "DAG files fail to import", op: ">", threshold: 0,
    value: (s) => sumOf(s, "airflow_dag_processing_import_errors") },
  { name: "ExecutorSaturated", severity: "warning", summary: "The executor has no open slot", op: "==", threshold: 0,
    value: (s) => sumOf(s, "airflow_executor_open_slots") },
];

/** 25 rows; every 12th is malformed. Latencies are what a real batch measured (seconds). */
const processBatch = task(async function processBatch() {
  const registry = new Registry();
  const processed = new Counter({ name: "pipeline_rows_processed_total", help: "Rows read", registers: [registry] });
  const rejected = new Counter({ name: "pipeline_rows_rejected_total", help: "Rows rejected as malformed", labelNames: ["reason"], registers: [registry] });
  const latency = new Histogram({ name: "pipeline_row_latency_seconds", help: "Seconds per row", buckets: [0.01, 0.05, 0.1, 0.5], registers: [registry] });
  for (let row = 1; row <= 25; row++) {
    processed.inc();
    if (row % 12 === 0) rejected.inc({ reason: "malformed" });
    latency.observe(0.02 + (row % 5) * 0.01);
  }
  return registry.metrics();
});

const scrapeUpdraft = task(async function scrapeUpdraft() {
  const url = process.env.UPDRAFT_METRICS_URL;
  if (!url) return null;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`Could not scrape ${url}: ${(error as Error).message}. Start Updraft (\`updraft standalone\`) or unset UPDRAFT_METRICS_URL.`);
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}: is it an Updraft /metrics endpoint?`);
  return response.text();
});

const evaluateAlerts = task(async function evaluateAlerts(pipeline: string, updraft: string | null) {
  const samples = [...parsePrometheusText(pipeline), ...parsePrometheusText(updraft ?? "")];
  const results = evaluateRules(RULES, samples);
  const critical = results.filter((r) => r.state === "firing" && r.severity === "critical");
  if (critical.length) throw new Error(`Critical alert(s) firing: ${critical.map((r) => `${r.rule} (${r.summary}, value ${r.value})`).join("; ")}`);
  return results;
});

export default dag(
  { dagId: "phase12_01_metrics_monitoring", description: "Metrics a pipeline records, and alert rules over them and over Updraft's own", schedule: "@hourly", startDate: "2024-01-01", catchup: false, tags: ["phase12", "observability"] },
  () => {
    evaluateAlerts(processBatch(), scrapeUpdraft());
  },
);
