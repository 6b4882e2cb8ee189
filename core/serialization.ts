import { createHash } from "node:crypto";
import type { BaseOperator } from "./base-operator.ts";
import type { DAG } from "./dag.ts";
import { dagDependencies, type DagDependency } from "./dag-dependencies.ts";
import { isoformat } from "./dates.ts";
import { mappingOf, mappingSources, type MappedSpec } from "./mapped.ts";
import { paramsToJson } from "./params.ts";
import { priorityWeights } from "./semantics/priority.ts";
import type { SerializedTimetable } from "./timetables/index.ts";
import type { JsonObject, TriggerRule, WeightRule } from "./types.ts";
import { isXComArg, XComArg } from "./xcom-arg.ts";

/** Where a mapped argument's values come from: a literal of known length, or an upstream task's XCom. */
export type SerializedMapSource = { literal_length: number } | { xcom: { task_id: string; key: string } };

export type SerializedMapping =
  | { kind: "expand"; args: Array<{ name: string } & SerializedMapSource> }
  | { kind: "expand_kwargs"; source: SerializedMapSource };

/** A task as the scheduler and webserver see it: structure and settings, no code. snake_case, as stored. */
export interface SerializedTask {
  task_id: string;
  operator: string;
  trigger_rule: TriggerRule;
  upstream_task_ids: string[];
  downstream_task_ids: string[];
  task_group_id: string | null;
  retries: number;
  retry_delay: number;
  retry_exponential_backoff: boolean;
  max_retry_delay: number | null;
  execution_timeout: number | null;
  pool: string;
  pool_slots: number;
  priority_weight: number;
  weight_rule: WeightRule;
  /** The weight the scheduler orders by (weight rule applied), as Airflow stores it on each TI. */
  effective_priority_weight: number;
  queue: string;
  depends_on_past: boolean;
  wait_for_downstream: boolean;
  ignore_first_depends_on_past: boolean;
  max_active_tis_per_dag: number | null;
  max_active_tis_per_dagrun: number | null;
  start_date: string | null;
  end_date: string | null;
  owner: string;
  email: string[];
  email_on_failure: boolean;
  email_on_retry: boolean;
  sla: number | null;
  doc_md: string | null;
  template_fields: string[];
  /** Never needs a runner: Airflow finishes such EmptyOperator tasks in the scheduler. */
  is_noop: boolean;
  /** This task's return value is mapped over by a downstream task (it must then be a list or object). */
  has_mapped_dependants: boolean;
  mapped: SerializedMapping | null;
  /** Set when the task is in a mapped task group: it expands with the group, and depends only on the same map index of the group's tasks. */
  mapped_group_id: string | null;
  outlets: JsonObject[];
  inlets: JsonObject[];
  /** An ExternalTaskMarker's target: clearing it with downstream reaches that DAG's task (core/runs/external-task-markers.ts). */
  external_task_marker?: { external_dag_id: string; external_task_id: string; recursion_depth: number };
}

export interface SerializedTaskGroup {
  group_id: string;
  parent_group_id: string | null;
  tooltip: string;
  children: string[];
  /** A mapped task group: its tasks run once per map index (each task's `mapped` says over what). */
  is_mapped: boolean;
}

export interface SerializedDag {
  dag_id: string;
  fileloc: string;
  description: string;
  timetable: SerializedTimetable;
  schedule_summary: string;
  start_date: string | null;
  end_date: string | null;
  timezone: string;
  catchup: boolean;
  tags: string[];
  owner: string;
  doc_md: string | null;
  params: JsonObject;
  max_active_runs: number;
  max_active_tasks: number;
  dagrun_timeout: number | null;
  has_on_success_callback: boolean;
  has_on_failure_callback: boolean;
  /** Optional: DAGs serialized before SLA support have none. */
  has_sla_miss_callback?: boolean;
  is_paused_upon_creation: boolean | null;
  render_template_as_native_obj: boolean;
  access_control: Record<string, string[]>;
  tasks: SerializedTask[];
  task_groups: SerializedTaskGroup[];
  /** Datasets and other DAGs this DAG depends on or feeds (Airflow's `dag_dependencies`). */
  dag_dependencies: DagDependency[];
}

export function serializeDag(dag: DAG): SerializedDag {
  const ordered = dag.topologicalOrder();
  const weights = priorityWeights(
    ordered.map((t) => ({
      taskId: t.taskId,
      priorityWeight: t.priorityWeight,
      weightRule: t.weightRule,
      upstreamTaskIds: [...t.upstreamTaskIds],
      downstreamTaskIds: [...t.downstreamTaskIds],
    })),
  );
  const mappedOver = new Set<string>();
  for (const task of ordered) for (const source of mappingSources(mappingOf(task))) if (isXComArg(source)) mappedOver.add(source.operator.taskId);
  return {
    dag_id: dag.dagId,
    fileloc: dag.fileloc,
    description: dag.description,
    timetable: dag.timetable.serialize(),
    schedule_summary: dag.timetable.summary,
    start_date: dag.startDate ? isoformat(dag.startDate) : null,
    end_date: dag.endDate ? isoformat(dag.endDate) : null,
    timezone: dag.timezone,
    catchup: dag.catchup,
    tags: [...dag.tags],
    owner: dag.owner,
    doc_md: dag.docMd ?? null,
    params: paramsToJson(dag.params),
    max_active_runs: dag.maxActiveRuns,
    max_active_tasks: dag.maxActiveTasks,
    dagrun_timeout: dag.dagrunTimeoutSeconds,
    has_on_success_callback: dag.onSuccessCallback.length > 0,
    has_on_failure_callback: dag.onFailureCallback.length > 0,
    has_sla_miss_callback: dag.slaMissCallback.length > 0,
    is_paused_upon_creation: dag.isPausedUponCreation ?? null,
    render_template_as_native_obj: dag.renderTemplateAsNativeObj,
    access_control: Object.fromEntries(Object.entries(dag.accessControl).map(([role, actions]) => [role, [...actions]])),
    tasks: ordered.map((task) => serializeTask(task, weights.get(task.taskId) ?? task.priorityWeight, mappedOver.has(task.taskId))),
    task_groups: [...dag.taskGroups.values()].map((group) => ({
      group_id: group.groupId,
      parent_group_id: group.parent?.groupId ?? null,
      tooltip: group.tooltip,
      children: group.children.map((child) => ("groupId" in child ? child.groupId : child.taskId)),
      is_mapped: group.mapped !== undefined,
    })),
    dag_dependencies: dagDependencies(dag),
  };
}

function serializeTask(task: BaseOperator, effectiveWeight: number, hasMappedDependants: boolean): SerializedTask {
  return {
    task_id: task.taskId,
    operator: task.operatorName,
    trigger_rule: task.triggerRule,
    upstream_task_ids: [...task.upstreamTaskIds].sort(),
    downstream_task_ids: [...task.downstreamTaskIds].sort(),
    task_group_id: task.taskGroup?.groupId ?? null,
    retries: task.retries,
    retry_delay: task.retryDelaySeconds,
    retry_exponential_backoff: task.retryExponentialBackoff,
    max_retry_delay: task.maxRetryDelaySeconds,
    execution_timeout: task.executionTimeoutSeconds,
    pool: task.pool,
    pool_slots: task.poolSlots,
    priority_weight: task.priorityWeight,
    weight_rule: task.weightRule,
    effective_priority_weight: effectiveWeight,
    queue: task.queue,
    depends_on_past: task.dependsOnPast,
    wait_for_downstream: task.waitForDownstream,
    ignore_first_depends_on_past: task.ignoreFirstDependsOnPast,
    max_active_tis_per_dag: task.maxActiveTisPerDag,
    max_active_tis_per_dagrun: task.maxActiveTisPerDagrun,
    start_date: task.startDate ? isoformat(task.startDate) : null,
    end_date: task.endDate ? isoformat(task.endDate) : null,
    owner: task.owner,
    email: [...task.email],
    email_on_failure: task.emailOnFailure,
    email_on_retry: task.emailOnRetry,
    sla: task.slaSeconds,
    doc_md: task.docMd ?? null,
    template_fields: [...task.templateFields],
    is_noop: task.isNoop,
    has_mapped_dependants: hasMappedDependants,
    mapped: serializeMapping(mappingOf(task)),
    mapped_group_id: task.mappedGroup?.groupId ?? null,
    outlets: task.outlets.map((d) => d.toJSON()),
    inlets: task.inlets.map((d) => d.toJSON()),
    ...("externalTaskMarker" in task ? { external_task_marker: task.externalTaskMarker as SerializedTask["external_task_marker"] } : {}),
  };
}

function serializeSource(value: unknown): SerializedMapSource {
  if (value instanceof XComArg) return { xcom: { task_id: value.operator.taskId, key: value.key } };
  if (Array.isArray(value)) return { literal_length: value.length };
  return { literal_length: Object.keys(value as object).length };
}

function serializeMapping(spec: MappedSpec | undefined): SerializedMapping | null {
  if (!spec) return null;
  if (spec.kind === "expand") {
    return { kind: "expand", args: Object.entries(spec.mapped).map(([name, value]) => ({ name, ...serializeSource(value) })) };
  }
  return { kind: "expand_kwargs", source: serializeSource(spec.source) };
}

/** A stable hash of a serialized DAG: the DAG's version. */
export function dagVersionHash(serialized: SerializedDag): string {
  return createHash("sha256").update(stableStringify(serialized)).digest("hex").slice(0, 32);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
