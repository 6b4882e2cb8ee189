import type { DAG } from "./dag.ts";
import { conditionUris, storedCondition } from "./timetables/dataset-triggered.ts";

/**
 * One edge between a DAG and something outside it, as Airflow's DependencyDetector records it in the serialized DAG
 * (`dag_dependencies`): a dataset it updates (source = the DAG, target "dataset") or is scheduled on (source "dataset",
 * target = the DAG), a DAG it triggers ("trigger"), or a DAG it waits for ("sensor").
 */
export interface DagDependency {
  source: string;
  target: string;
  dependency_type: "dataset" | "trigger" | "sensor";
  /** The dataset URI, or the id of the task that triggers or waits. */
  dependency_id: string;
}

/** An operator naming another DAG (TriggerDagRunOperator, ExternalTaskSensor) says which, for the DAG dependencies view. */
export interface DeclaresDagDependency {
  dagDependency(dagId: string): DagDependency | null;
}

function declaresDependency(task: object): task is DeclaresDagDependency {
  return typeof (task as Partial<DeclaresDagDependency>).dagDependency === "function";
}

/** Every dependency of this DAG on datasets and other DAGs, each once, in a stable order. */
export function dagDependencies(dag: DAG): DagDependency[] {
  const found = new Map<string, DagDependency>();
  const add = (d: DagDependency) => found.set(`${d.source}\u0000${d.target}\u0000${d.dependency_type}\u0000${d.dependency_id}`, d);
  const condition = storedCondition(dag.timetable.serialize());
  if (condition) for (const uri of conditionUris(condition)) add({ source: "dataset", target: dag.dagId, dependency_type: "dataset", dependency_id: uri });
  for (const task of dag.tasks.values()) {
    for (const dataset of task.outlets) add({ source: dag.dagId, target: "dataset", dependency_type: "dataset", dependency_id: dataset.uri });
    if (declaresDependency(task)) {
      const dependency = task.dagDependency(dag.dagId);
      if (dependency) add(dependency);
    }
  }
  return [...found.values()];
}
