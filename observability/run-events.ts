import { recordDagRunEnd } from "./metrics.ts";
import { runSpanId, runTraceId } from "./span-ids.ts";
import { emitSpan } from "./tracing.ts";

/** What the scheduler knows of a run it just ended (its dag_run row). */
export interface EndedRun {
  dag_id: string;
  run_id: string;
  run_type: string;
  logical_date: Date;
  queued_at: Date | null;
  start_date: Date | null;
  external_trigger: boolean;
}

/** The scheduler ended a run: Airflow's dagrun.duration.<state> and the run's span, root of its trace. */
export function dagRunEnded(run: EndedRun, state: string, reason: string | null): void {
  const end = new Date();
  const start = run.start_date ?? run.queued_at ?? end;
  recordDagRunEnd(run.dag_id, state, run.start_date ? (end.getTime() - run.start_date.getTime()) / 1000 : null);
  emitSpan({
    name: run.dag_id, traceId: runTraceId(run.dag_id, run.run_id), spanId: runSpanId(run.dag_id, run.run_id), start, end,
    attributes: {
      category: "DAG runs", dag_id: run.dag_id, run_id: run.run_id, run_type: run.run_type, state,
      execution_date: run.logical_date.toISOString(), queued_at: run.queued_at?.toISOString() ?? "", run_start_date: start.toISOString(),
      run_end_date: end.toISOString(), run_duration: (end.getTime() - start.getTime()) / 1000, external_trigger: run.external_trigger,
      ...(reason ? { reason } : {}),
    },
    error: state === "failed" ? (reason ?? "failed") : undefined,
  });
}
