import type { TaskContext } from "../context.ts";
import { addDays, ds, dsNodash, isoformat, tsNodash, tsNodashWithTz } from "../dates.ts";
import { macroHelpers } from "./helpers/macros.ts";

/** Airflow's template variables, snake_case, built from a TaskContext */
export type TemplateVariables = Record<string, unknown>;

const dsOrNull = (date: Date | null): string | null => (date ? ds(date) : null);
const dsNodashOrNull = (date: Date | null): string | null => (date ? dsNodash(date) : null);

/**
 * The variables of Airflow's template context (§11 of the semantics reference). Dates stay `Date`s so helpers can
 * take them (`{{ts_nodash data_interval_end}}`); they print as isoformat. `var` and `conn` are added per render,
 * from what the template reads.
 */
export function templateVariables(ctx: TaskContext): TemplateVariables {
  const logicalDate = ctx.logicalDate;
  const prev = ctx.prevSuccess;
  const run = ctx.dagRun;
  const variables: TemplateVariables = {
    logical_date: logicalDate,
    execution_date: logicalDate,
    ds: ds(logicalDate),
    ds_nodash: dsNodash(logicalDate),
    ts: isoformat(logicalDate),
    ts_nodash: tsNodash(logicalDate),
    ts_nodash_with_tz: tsNodashWithTz(logicalDate),
    data_interval_start: ctx.dataIntervalStart,
    data_interval_end: ctx.dataIntervalEnd,
    prev_data_interval_start_success: prev?.dataIntervalStart ?? null,
    prev_data_interval_end_success: prev?.dataIntervalEnd ?? null,
    prev_start_date_success: prev?.startDate ?? null,
    prev_end_date_success: prev?.endDate ?? null,
    prev_execution_date_success: prev?.logicalDate ?? null,
    prev_execution_date: ctx.prevExecutionDate,
    prev_ds: dsOrNull(ctx.prevExecutionDate),
    prev_ds_nodash: dsNodashOrNull(ctx.prevExecutionDate),
    next_execution_date: ctx.nextExecutionDate,
    next_ds: dsOrNull(ctx.nextExecutionDate),
    next_ds_nodash: dsNodashOrNull(ctx.nextExecutionDate),
    yesterday_ds: ds(addDays(logicalDate, -1)),
    yesterday_ds_nodash: dsNodash(addDays(logicalDate, -1)),
    tomorrow_ds: ds(addDays(logicalDate, 1)),
    tomorrow_ds_nodash: dsNodash(addDays(logicalDate, 1)),
    run_id: ctx.runId,
    dag_run: {
      dag_id: run.dagId,
      run_id: run.runId,
      run_type: run.runType,
      conf: run.conf,
      external_trigger: run.externalTrigger,
      logical_date: run.logicalDate,
      execution_date: run.logicalDate,
      data_interval_start: run.dataIntervalStart,
      data_interval_end: run.dataIntervalEnd,
      state: run.state,
      start_date: run.startDate,
    },
    dag: { dag_id: ctx.dag.dagId, owner: ctx.dag.owner, tags: [...ctx.dag.tags], timezone: ctx.dag.timezone },
    task: { task_id: ctx.task.taskId, operator: ctx.task.operator, retries: ctx.task.retries, queue: ctx.task.queue, pool: ctx.task.pool },
    task_instance_key_str: `${ctx.dag.dagId}__${ctx.ti.taskId}__${dsNodash(logicalDate)}`,
    params: ctx.params,
    // Airflow's `conf` is its configuration, not dag_run.conf; Updraft exposes none of its configuration yet.
    conf: {},
    macros: { ...macroHelpers },
    expanded_ti_count: ctx.expandedTiCount,
    triggering_dataset_events: Object.fromEntries(Object.entries(ctx.triggeringDatasetEvents ?? {}).map(([uri, events]) => [uri, events.map((e) => ({
      uri: e.uri, extra: e.extra, timestamp: e.timestamp, source_dag_id: e.sourceDagId, source_task_id: e.sourceTaskId,
      source_run_id: e.sourceRunId, source_map_index: e.sourceMapIndex,
    }))])),
    map_index: ctx.mapIndex,
    test_mode: ctx.testMode,
  };
  const ti = {
    dag_id: ctx.ti.dagId,
    task_id: ctx.ti.taskId,
    run_id: ctx.ti.runId,
    map_index: ctx.ti.mapIndex,
    try_number: ctx.ti.tryNumber,
    max_tries: ctx.ti.maxTries,
    state: ctx.ti.state,
    start_date: ctx.ti.startDate,
    execution_date: logicalDate,
  };
  variables.ti = ti;
  variables.task_instance = ti;
  if (ctx.exception !== undefined) variables.exception = ctx.exception;
  if (ctx.reason !== undefined) variables.reason = ctx.reason;
  return variables;
}
