import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { statsdFromEnv, type StatsdSink } from "./statsd.ts";

/**
 * The process's metrics, named after Airflow's (docs/observability.md lists them): an Airflow metric
 * `dagrun.duration.success.<dag_id>` is `airflow_dagrun_duration_success{dag_id="…"}` here, the name Airflow's
 * statsd-exporter mapping gives it, and `airflow.dagrun.duration.success.<dag_id>` on StatsD. Durations are seconds
 * in Prometheus and milliseconds on StatsD, as each convention wants.
 */
export const registry = new Registry();

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
// A scheduler loop iteration takes about a millisecond when idle and rarely more than a second.
const LOOP_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
const histogram = (name: string, help: string, buckets: number[], labelNames: string[] = []) =>
  new Histogram({ name, help, buckets, labelNames, registers: [registry] });

export const tiSuccesses = counter("airflow_ti_successes", "Task instance tries that succeeded (Airflow ti_successes).", ["dag_id", "task_id"]);
export const tiFailures = counter("airflow_ti_failures", "Task instance tries that failed (Airflow ti_failures).", ["dag_id", "task_id"]);
export const tiFinish = counter("airflow_ti_finish", "Task instance tries that ended, by state (Airflow ti.finish.<dag_id>.<task_id>.<state>).", ["dag_id", "task_id", "state"]);
export const taskDuration = histogram("airflow_dag_task_duration", "Seconds a try ran (Airflow dag.<dag_id>.<task_id>.duration).", SECONDS, ["dag_id", "task_id"]);
export const dagrunDurationSuccess = histogram("airflow_dagrun_duration_success", "Seconds from start to end of successful DAG runs (Airflow dagrun.duration.success.<dag_id>).", SECONDS, ["dag_id"]);
export const dagrunDurationFailed = histogram("airflow_dagrun_duration_failed", "Seconds from start to end of failed DAG runs (Airflow dagrun.duration.failed.<dag_id>).", SECONDS, ["dag_id"]);
export const schedulerLoopDuration = histogram("airflow_scheduler_scheduler_loop_duration", "Seconds one scheduler loop iteration took (Airflow scheduler.scheduler_loop_duration).", LOOP_SECONDS);
export const schedulerHeartbeat = counter("airflow_scheduler_heartbeat", "Scheduler heartbeats (Airflow scheduler_heartbeat).");
export const dagProcessingTotalParseTime = new Gauge({
  name: "airflow_dag_processing_total_parse_time", help: "Seconds the last pass over the DAGs folder took (Airflow dag_processing.total_parse_time).", registers: [registry],
});
export const dagProcessingLastRun = new Gauge({
  name: "airflow_dag_processing_last_run_seconds_ago", help: "Seconds since the DAG processor last finished a pass (Airflow dag_processing.last_run.seconds_ago).", registers: [registry],
  collect() {
    if (lastParseEnd) this.set((Date.now() - lastParseEnd) / 1000);
  },
});
let lastParseEnd = 0;

let statsd: StatsdSink | null | undefined;
/** StatsD when UPDRAFT_STATSD_HOST is set; read on first use so that a process configures it before. */
export function statsdSink(): StatsdSink | null {
  if (statsd === undefined) statsd = statsdFromEnv();
  return statsd;
}

/** A try ended with this state after running `seconds` (null when its start is not known to this process). */
export function recordTryEnd(dagId: string, taskId: string, state: string, seconds: number | null): void {
  const s = statsdSink();
  tiFinish.inc({ dag_id: dagId, task_id: taskId, state });
  s?.increment(`ti.finish.${dagId}.${taskId}.${state}`);
  if (state === "success") {
    tiSuccesses.inc({ dag_id: dagId, task_id: taskId });
    s?.increment("ti_successes");
  } else if (state === "failed" || state === "up_for_retry") {
    // Airflow counts every failed try, the ones that will be retried too (handle_failure).
    tiFailures.inc({ dag_id: dagId, task_id: taskId });
    s?.increment("ti_failures");
  }
  if (seconds !== null && seconds >= 0) {
    taskDuration.observe({ dag_id: dagId, task_id: taskId }, seconds);
    s?.timing(`dag.${dagId}.${taskId}.duration`, seconds * 1000);
  }
}

/** A DAG run ended; Airflow records the duration of successful and failed runs only. */
export function recordDagRunEnd(dagId: string, state: string, seconds: number | null): void {
  if (seconds === null || seconds < 0 || (state !== "success" && state !== "failed")) return;
  (state === "success" ? dagrunDurationSuccess : dagrunDurationFailed).observe({ dag_id: dagId }, seconds);
  statsdSink()?.timing(`dagrun.duration.${state}.${dagId}`, seconds * 1000);
}

export function recordSchedulerLoop(seconds: number): void {
  schedulerLoopDuration.observe(seconds);
  statsdSink()?.timing("scheduler.scheduler_loop_duration", seconds * 1000);
}

export function recordSchedulerHeartbeat(): void {
  schedulerHeartbeat.inc();
  statsdSink()?.increment("scheduler_heartbeat");
}

/** A pass of the DAG processor over the folder ended. */
export function recordDagProcessing(report: { durationMs: number; importErrors: number }): void {
  lastParseEnd = Date.now();
  dagProcessingTotalParseTime.set(report.durationMs / 1000);
  const s = statsdSink();
  s?.gauge("dag_processing.total_parse_time", report.durationMs / 1000);
  s?.gauge("dag_processing.import_errors", report.importErrors);
}
