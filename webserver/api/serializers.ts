import type { BackfillRequest, BackfillResult } from "../../core/runs/backfill.ts";
import type { SerializedDag, SerializedTask } from "../../core/serialization.ts";
import type { DagRunRow } from "../../core/store/queries/dag-runs.ts";
import type { DagRow } from "../../core/store/queries/dags.ts";
import type { TaskInstanceRow } from "../../core/store/queries/task-instances.ts";
import type { JsonObject } from "../../core/types.ts";

export const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * A DAG file's token for GET /dagSources/{file_token}: its path, encoded. Airflow signs it; here the server only ever
 * serves a path some DAG in the database has as its fileloc, so a forged token reads nothing else.
 */
export const fileToken = (fileloc: string) => Buffer.from(fileloc, "utf8").toString("base64url");

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
export function taskInstanceJson(ti: TaskInstanceRow & { logical_date?: Date; rendered_fields?: JsonObject | null; note?: string | null }) {
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
    rendered_fields: ti.rendered_fields ?? {},
    trigger: null,
    triggerer_job: null,
    note: ti.note ?? null,
  };
}

/** Airflow's ScheduleInterval: a TimeDelta for delta schedules, a CronExpression for the others, null for none. */
function scheduleIntervalJson(dag: DagRow) {
  const timetable = dag.timetable;
  if (!timetable || timetable.type === "null") return null;
  if (timetable.type === "delta") {
    return { __type: "TimeDelta", days: Math.floor(timetable.seconds / 86_400), seconds: timetable.seconds % 86_400, microseconds: 0 };
  }
  return { __type: "CronExpression", value: dag.timetable_summary ?? timetable.type };
}

/** DAG as Airflow's REST API shapes it. */
export function dagJson(dag: DagRow) {
  return {
    dag_id: dag.dag_id,
    dag_display_name: dag.dag_id,
    root_dag_id: null,
    is_paused: dag.is_paused,
    is_active: dag.is_active,
    is_subdag: false,
    last_parsed_time: iso(dag.last_parsed_time),
    last_pickled: null,
    last_expired: null,
    scheduler_lock: null,
    pickle_id: null,
    default_view: "grid",
    fileloc: dag.fileloc,
    file_token: fileToken(dag.fileloc),
    owners: dag.owners ? dag.owners.split(",").map((o) => o.trim()).filter(Boolean) : [],
    description: dag.description || null,
    schedule_interval: scheduleIntervalJson(dag),
    timetable_description: dag.timetable_summary,
    tags: (dag.tags ?? []).map((name) => ({ name })),
    max_active_tasks: dag.max_active_tasks,
    max_active_runs: dag.max_active_runs,
    has_task_concurrency_limits: false,
    has_import_errors: dag.has_import_errors,
    next_dagrun: iso(dag.next_dagrun),
    next_dagrun_data_interval_start: iso(dag.next_dagrun_data_interval_start),
    next_dagrun_data_interval_end: iso(dag.next_dagrun_data_interval_end),
    next_dagrun_create_after: iso(dag.next_dagrun_create_after),
    max_consecutive_failed_dag_runs: 0,
  };
}

const timeDelta = (seconds: number | null) =>
  seconds === null ? null : { __type: "TimeDelta", days: Math.floor(seconds / 86_400), seconds: Math.floor(seconds % 86_400), microseconds: Math.round((seconds % 1) * 1e6) };

/** Task as Airflow's REST API shapes it. */
export function taskJson(task: SerializedTask) {
  return {
    class_ref: { module_path: "updraft", class_name: task.operator },
    task_id: task.task_id,
    task_display_name: task.task_id,
    owner: task.owner,
    start_date: task.start_date,
    end_date: task.end_date,
    trigger_rule: task.trigger_rule,
    extra_links: [],
    depends_on_past: task.depends_on_past,
    is_mapped: task.mapped !== null || task.mapped_group_id !== null,
    wait_for_downstream: task.wait_for_downstream,
    retries: task.retries,
    queue: task.queue,
    executor: null,
    pool: task.pool,
    pool_slots: task.pool_slots,
    execution_timeout: timeDelta(task.execution_timeout),
    retry_delay: timeDelta(task.retry_delay),
    retry_exponential_backoff: task.retry_exponential_backoff,
    priority_weight: task.priority_weight,
    weight_rule: task.weight_rule,
    ui_color: "#fff",
    ui_fgcolor: "#000",
    template_fields: task.template_fields,
    downstream_task_ids: task.downstream_task_ids,
    doc_md: task.doc_md,
  };
}

/** TaskInstanceReference as Airflow's REST API shapes it (what clearTaskInstances answers). */
export function taskInstanceReferenceJson(ti: { task_id: string; dag_id: string; run_id: string; logical_date: Date }) {
  return { task_id: ti.task_id, dag_id: ti.dag_id, execution_date: iso(ti.logical_date), dag_run_id: ti.run_id };
}

/** What POST /backfills answers (an Updraft addition: Airflow 2's v1 API has no backfill endpoint). */
export function backfillJson(dagId: string, request: BackfillRequest, result: BackfillResult) {
  return {
    dag_id: dagId,
    from_date: iso(request.fromDate),
    to_date: iso(request.toDate),
    reprocess_behavior: request.reprocess,
    created_dag_runs: result.created.map(dagRunJson),
    rerun_dag_runs: result.rerun.map(dagRunJson),
    skipped_dag_runs: result.skipped.map(dagRunJson),
  };
}

export type DagJson = ReturnType<typeof dagJson>;
export type TaskJson = ReturnType<typeof taskJson>;
export type DagRunJson = ReturnType<typeof dagRunJson>;
export type TaskInstanceJson = ReturnType<typeof taskInstanceJson>;
export type TaskInstanceReferenceJson = ReturnType<typeof taskInstanceReferenceJson>;
export type BackfillJson = ReturnType<typeof backfillJson>;

/** DAGDetail: the DAG, plus what its latest serialized version says. */
export function dagDetailJson(dag: DagRow, data: SerializedDag) {
  return {
    ...dagJson(dag),
    timezone: data.timezone,
    catchup: data.catchup,
    orientation: "LR",
    concurrency: data.max_active_tasks,
    start_date: data.start_date ? iso(new Date(data.start_date)) : null,
    dag_run_timeout: timeDelta(data.dagrun_timeout),
    dataset_expression: null,
    doc_md: data.doc_md,
    default_view: "grid",
    params: data.params,
    end_date: data.end_date ? iso(new Date(data.end_date)) : null,
    is_paused_upon_creation: data.is_paused_upon_creation,
    last_parsed: iso(dag.last_parsed_time),
    template_search_path: null,
    render_template_as_native_obj: data.render_template_as_native_obj,
  };
}
