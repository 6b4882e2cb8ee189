import type { LineageGraph } from "./graph.ts";

export interface Impact {
  dataset: { namespace: string; name: string };
  dags: Array<{ dagId: string; tasks: string[] }>;
  /** Jobs downstream that are not Updraft tasks (other producers posting to /api/v1/lineage). */
  otherJobs: Array<{ namespace: string; name: string }>;
  datasets: Array<{ namespace: string; name: string }>;
  /** Downstream datasets that are models (datasetType facet MODEL, or a model registry's namespace). */
  models: Array<{ namespace: string; name: string }>;
}

const MODEL_NAMESPACE = /^(mlflow|models?|kserve|sagemaker|vertex)(:|$)/i;

/** Everything downstream of a dataset: every DAG and task that reads it or what was made from it, and every model. */
export function impactOf(graph: LineageGraph, datasetNodeId: string): Impact {
  const start = graph.datasets.get(datasetNodeId)!;
  const dags = new Map<string, Set<string>>();
  const otherJobs: Impact["otherJobs"] = [];
  const datasets: Impact["datasets"] = [];
  const models: Impact["models"] = [];
  for (const id of graph.reachable(datasetNodeId, "downstream")) {
    const job = graph.jobs.get(id);
    if (job) {
      const task = job.facets.updraft_task as { dagId?: string; taskId?: string } | undefined;
      if (task?.dagId && task.taskId) dags.set(task.dagId, (dags.get(task.dagId) ?? new Set()).add(task.taskId));
      else otherJobs.push({ namespace: job.namespace, name: job.name });
      continue;
    }
    const dataset = graph.datasets.get(id);
    if (!dataset) continue;
    const ref = { namespace: dataset.namespace, name: dataset.name };
    datasets.push(ref);
    const type = (dataset.facets.datasetType as { datasetType?: string } | undefined)?.datasetType;
    if (type?.toUpperCase() === "MODEL" || MODEL_NAMESPACE.test(dataset.namespace)) models.push(ref);
  }
  const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) => `${a.namespace}${a.name}`.localeCompare(`${b.namespace}${b.name}`);
  return {
    dataset: { namespace: start.namespace, name: start.name },
    dags: [...dags].sort(([a], [b]) => a.localeCompare(b)).map(([dagId, tasks]) => ({ dagId, tasks: [...tasks].sort() })),
    otherJobs: otherJobs.sort(byName),
    datasets: datasets.sort(byName),
    models: models.sort(byName),
  };
}
