import type { DagRunRow } from "../../core/store/queries/dag-runs.ts";
import type { TaskInstanceRow } from "../../core/store/queries/task-instances.ts";

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** DAGRun as Airflow's REST API shapes it. */
export function dagRunJson(run: DagRunRow & { last_scheduling_decision?: Date | null }) {
  return {
    dag_run_id: run.run_id,
    dag_id: run.dag_id,
    logical_date: iso(run.logical_date),
    execution_date: iso(run.logical_date),
    start_date: iso(run.start_date),
    end_date: iso(run.end_date),
    data_interval_start: iso(run.data_interval_start),
    data_interval_end: iso(run.data_interval_end),
    last_scheduling_decision: iso(run.last_scheduling_decision),
    run_type: run.run_type,
    state: run.state,
    external_trigger: run.external_trigger,
    conf: run.conf ?? {},
    note: run.note ?? null,
  };
}

/** TaskInstance as Airflow's REST API shapes it. */
export function taskInstanceJson(ti: TaskInstanceRow & { logical_date?: Date }) {
  return {
    task_id: ti.task_id,
    task_display_name: ti.task_id,
    dag_id: ti.dag_id,
    dag_run_id: ti.run_id,
    execution_date: iso(ti.logical_date),
    start_date: iso(ti.start_date),
    end_date: iso(ti.end_date),
    duration: ti.duration,
    state: ti.state,
    try_number: ti.try_number,
    map_index: ti.map_index,
    max_tries: ti.max_tries,
    hostname: ti.hostname,
    unixname: "",
    pool: ti.pool,
    pool_slots: ti.pool_slots,
    queue: ti.queue,
    priority_weight: ti.priority_weight,
    operator: ti.operator,
    queued_when: iso(ti.queued_dttm),
    pid: null,
    executor_config: "{}",
    sla_miss: null,
    rendered_map_index: ti.rendered_map_index,
    rendered_fields: {},
    trigger: null,
    triggerer_job: null,
    note: null,
  };
}
