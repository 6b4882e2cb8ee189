import type { DagRunView } from "../core/context.ts";
import type { DagRunState, DagRunType } from "../core/types.ts";
import type { StartResponse } from "../webserver/execution-api/protocol.ts";

/** The run as the execution API sends it (ISO dates, snake_case) → what a task's context shows. */
export function dagRunView(run: StartResponse["dag_run"], state: DagRunState): DagRunView {
  return {
    dagId: run.dag_id, runId: run.run_id, runType: run.run_type as DagRunType, logicalDate: new Date(run.logical_date),
    dataIntervalStart: new Date(run.data_interval_start), dataIntervalEnd: new Date(run.data_interval_end),
    externalTrigger: run.external_trigger, conf: run.conf, state, startDate: run.start_date ? new Date(run.start_date) : null,
  };
}
