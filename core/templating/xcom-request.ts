import { describe } from "./helpers/args.ts";
import type { TemplateLookups } from "./lookups.ts";

export type XComPullRequest = Parameters<TemplateLookups["xcomPull"]>[0];

/** Named arguments of the `xcom_pull` helper, as Airflow's `ti.xcom_pull` spells them. */
export const XCOM_PULL_ARGUMENTS: readonly string[] = ["task_ids", "key", "map_indexes", "dag_id", "default"];

/**
 * The request made by `{{xcom_pull "extract"}}` or `{{xcom_pull task_ids="a,b" key="k" map_indexes=0}}`.
 * Handlebars has no list literal, so several task ids are written comma-separated (task ids cannot contain commas)
 * or passed as a list variable (`task_ids=params.upstream`). `default` is applied by the helper, not the look-up.
 */
export function xcomPullRequest(positional: readonly unknown[], named: Readonly<Record<string, unknown>>): XComPullRequest {
  if (positional.length > 1) throw new Error("xcom_pull takes the task ids as its only positional argument; pass key=, map_indexes=, dag_id= by name.");
  const unknown = Object.keys(named).filter((name) => !XCOM_PULL_ARGUMENTS.includes(name));
  if (unknown.length > 0) throw new Error(`xcom_pull does not take ${unknown.join(", ")}: use ${XCOM_PULL_ARGUMENTS.join(", ")}.`);

  const request: XComPullRequest = {};
  const taskIds = positional[0] ?? named.task_ids;
  if (typeof taskIds === "string") request.taskIds = taskIds.includes(",") ? taskIds.split(",").map((id) => id.trim()) : taskIds;
  else if (Array.isArray(taskIds) && taskIds.every((id) => typeof id === "string")) request.taskIds = [...taskIds];
  else if (taskIds != null) throw new Error(`xcom_pull task_ids must be a task id, comma-separated task ids or a list of them, got ${describe(taskIds)}.`);

  if (typeof named.key === "string") request.key = named.key;
  else if (named.key != null) throw new Error(`xcom_pull key must be text, got ${describe(named.key)}.`);

  const mapIndexes = named.map_indexes;
  if (typeof mapIndexes === "number" && Number.isInteger(mapIndexes)) request.mapIndexes = mapIndexes;
  else if (Array.isArray(mapIndexes) && mapIndexes.every((index) => Number.isInteger(index))) request.mapIndexes = [...(mapIndexes as number[])];
  else if (mapIndexes != null) throw new Error(`xcom_pull map_indexes must be an integer or a list of integers, got ${describe(mapIndexes)}.`);

  if (typeof named.dag_id === "string") request.dagId = named.dag_id;
  else if (named.dag_id != null) throw new Error(`xcom_pull dag_id must be text, got ${describe(named.dag_id)}.`);
  return request;
}

/** Identifies a request, so that each distinct pull is made once and found again while rendering. */
export function xcomRequestKey(request: XComPullRequest): string {
  return JSON.stringify([request.taskIds ?? null, request.key ?? null, request.mapIndexes ?? null, request.dagId ?? null]);
}
