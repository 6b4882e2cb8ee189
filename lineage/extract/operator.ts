import type { BaseOperator } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import type { TaskRuntime } from "../../core/runtime.ts";
import { sqlFacet } from "../facets.ts";
import { datasetFromUri, datasetKey } from "../naming.ts";
import type { Facets, InputDataset, OperatorLineage, OutputDataset } from "../types.ts";
import { sqlLineage } from "./sql.ts";

/** Airflow's OpenLineage protocol: an operator may say what it reads and writes itself (the MLOps packs do). */
export interface OpenLineageAware {
  getOpenLineageFacetsOnStart?(context: TaskContext): OperatorLineage | Promise<OperatorLineage>;
  getOpenLineageFacetsOnComplete?(context: TaskContext): OperatorLineage | Promise<OperatorLineage>;
  getOpenLineageFacetsOnFailure?(context: TaskContext): OperatorLineage | Promise<OperatorLineage>;
}

export type Phase = "start" | "complete" | "failure";

/**
 * What a try reads and writes, from every source Updraft knows, merged by dataset: inlets/outlets, a SQL operator's
 * statement (duck typed: public `sql` and `connId`), a file or object-store operator's path (`filepath`,
 * `bucket`/`key`), and the operator's own `getOpenLineageFacetsOn*` (which wins where it names the same dataset).
 */
export async function operatorLineage(operator: BaseOperator, context: TaskContext, runtime: TaskRuntime, phase: Phase): Promise<Required<OperatorLineage> & { warnings: string[] }> {
  const inputs: InputDataset[] = operator.inlets.map((d) => ({ ...datasetFromUri(d.uri) }));
  const outputs: OutputDataset[] = operator.outlets.map((d) => ({ ...datasetFromUri(d.uri) }));
  const jobFacets: Facets = {};
  const runFacets: Facets = {};
  const warnings: string[] = [];
  const fields = operator as unknown as Record<string, unknown>;

  const sql = fields.sql;
  const connId = fields.connId ?? fields.conn_id;
  if ((typeof sql === "string" || (Array.isArray(sql) && sql.every((s) => typeof s === "string"))) && typeof connId === "string") {
    const connection = await runtime.getConnection(connId).catch(() => undefined);
    const found = await sqlLineage(sql as string | string[], connection);
    if (found.error) warnings.push(`could not parse the SQL of task "${operator.taskId}" for lineage: ${found.error}`);
    inputs.push(...found.inputs);
    outputs.push(...found.outputs);
    jobFacets.sql = sqlFacet(typeof sql === "string" ? sql : (sql as string[]).join(";\n"), found.dialect);
  }
  if (typeof fields.filepath === "string" && fields.filepath) inputs.push(datasetFromUri(fields.filepath));
  for (const [bucketField, keyField, into] of [["bucket", "key", null], ["sourceBucket", "sourceKey", inputs], ["destBucket", "destKey", outputs]] as const) {
    const bucket = fields[bucketField] ?? fields[`${bucketField}Name`];
    const key = fields[keyField];
    if (typeof bucket !== "string" || !bucket) continue;
    const dataset = { namespace: `s3://${bucket}`, name: typeof key === "string" && key ? key : "/" };
    // A plain bucket/key operator reads if it is a sensor or a download, else writes.
    (into ?? (/sensor|download|get|read|list/i.test(operator.operatorName) ? inputs : outputs)).push(dataset);
  }

  const aware = operator as unknown as OpenLineageAware;
  const hook = phase === "start" ? aware.getOpenLineageFacetsOnStart : phase === "complete" ? aware.getOpenLineageFacetsOnComplete ?? aware.getOpenLineageFacetsOnStart : aware.getOpenLineageFacetsOnFailure ?? aware.getOpenLineageFacetsOnComplete ?? aware.getOpenLineageFacetsOnStart;
  if (typeof hook === "function") {
    try {
      const own = await hook.call(operator, context);
      inputs.push(...(own?.inputs ?? []));
      outputs.push(...(own?.outputs ?? []));
      Object.assign(jobFacets, own?.jobFacets);
      Object.assign(runFacets, own?.runFacets);
    } catch (error) {
      warnings.push(`getOpenLineageFacetsOn${phase[0].toUpperCase()}${phase.slice(1)} of task "${operator.taskId}" failed: ${(error as Error).message}`);
    }
  }
  return { inputs: mergeDatasets(inputs), outputs: mergeDatasets(outputs), jobFacets, runFacets, warnings };
}

/** One entry per dataset; a later entry's facets are added to (and override) an earlier one's. */
export function mergeDatasets<T extends InputDataset & OutputDataset>(datasets: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const d of datasets) {
    const seen = byKey.get(datasetKey(d));
    if (!seen) byKey.set(datasetKey(d), { ...d });
    else {
      if (d.facets) seen.facets = { ...seen.facets, ...d.facets };
      if (d.inputFacets) seen.inputFacets = { ...seen.inputFacets, ...d.inputFacets };
      if (d.outputFacets) seen.outputFacets = { ...seen.outputFacets, ...d.outputFacets };
    }
  }
  return [...byKey.values()];
}
