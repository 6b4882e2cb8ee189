import type { BaseOperator } from "../core/base-operator.ts";
import {
  documentationFacet, errorMessageFacet, jobTypeFacet, nominalTimeFacet, ownershipFacet, parentRunFacet, processingEngineFacet,
  sourceCodeFacet, sourceCodeLocationFacet,
} from "./facets.ts";
import { dagRunUuid, taskTryUuid } from "./run-id.ts";
import { PRODUCER, RUN_EVENT_SCHEMA_URL, type EventType, type Facets, type OperatorLineage, type RunEvent } from "./types.ts";

export interface TryIdentity {
  namespace: string;
  operator: BaseOperator;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  tryNumber: number;
  mapIndex: number;
  includeSourceCode: boolean;
}

/** The run id of a try, stable across processes. */
export function tryRunId(t: TryIdentity): string {
  return taskTryUuid(t.namespace, t.operator.dag.dagId, t.operator.taskId, t.logicalDate, t.tryNumber, t.mapIndex);
}

/**
 * One run event of a task try, named as Airflow's OpenLineage provider names it: job `<dag_id>.<task_id>`, its
 * parent the DAG run (job `<dag_id>`), nominal time = the data interval.
 */
export function taskRunEvent(type: EventType, t: TryIdentity, lineage: Required<OperatorLineage>, error?: string): RunEvent {
  const { operator, namespace } = t;
  const dagId = operator.dag.dagId;
  const runFacets: Facets = {
    parent: parentRunFacet({ runId: dagRunUuid(namespace, dagId, t.logicalDate), namespace, name: dagId }),
    nominalTime: nominalTimeFacet(t.dataIntervalStart, t.dataIntervalEnd),
    processing_engine: processingEngineFacet(),
    ...lineage.runFacets,
  };
  if (error !== undefined) runFacets.errorMessage = errorMessageFacet(error);
  const jobFacets: Facets = {
    jobType: jobTypeFacet("TASK"),
    // Updraft's own facet: which DAG and task the job is (a dag_id and a task_id may both contain dots).
    updraft_task: { _producer: PRODUCER, _schemaURL: `${PRODUCER}/UpdraftTaskJobFacet.json`, dagId, taskId: operator.taskId, operator: operator.operatorName },
    ...lineage.jobFacets,
  };
  if (operator.dag.fileloc) jobFacets.sourceCodeLocation = sourceCodeLocationFacet(operator.dag.fileloc);
  // PythonOperator's pythonCallable, a TaskFlow task's callable (Airflow sends the python_callable's source).
  const fields = operator as unknown as { pythonCallable?: unknown; callable?: unknown };
  const callable = fields.pythonCallable ?? fields.callable;
  if (t.includeSourceCode && typeof callable === "function") jobFacets.sourceCode = sourceCodeFacet(callable.toString());
  if (operator.docMd) jobFacets.documentation = documentationFacet("job", operator.docMd);
  if (operator.owner) jobFacets.ownership = ownershipFacet("job", operator.owner.split(",").map((o) => o.trim()).filter(Boolean));
  return {
    eventType: type,
    eventTime: new Date().toISOString(),
    producer: PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    run: { runId: tryRunId(t), facets: runFacets },
    job: { namespace, name: `${dagId}.${operator.taskId}`, facets: jobFacets },
    inputs: lineage.inputs,
    outputs: lineage.outputs,
  };
}
