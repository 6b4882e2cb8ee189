import type { DagDependency } from "../../core/dag-dependencies.ts";

export interface DependencyNode {
  id: string;
  kind: "dag" | "dataset" | "trigger" | "sensor";
  label: string;
  /** Where clicking the node goes (a DAG's graph, a dataset's events); none for trigger and sensor nodes. */
  href: string | null;
}

export interface DependencyGraph {
  nodes: DependencyNode[];
  edges: Array<{ from: string; to: string }>;
}

/**
 * Airflow's DAG Dependencies view, from every DAG's `dag_dependencies`: DAG and dataset nodes, and for a trigger or a
 * sensor a node of its own between the two DAGs (named as Airflow names it, `trigger:<source>:<target>:<task_id>`).
 */
export function dependencyGraph(dependencies: Iterable<DagDependency>): DependencyGraph {
  const nodes = new Map<string, DependencyNode>();
  const edges = new Map<string, { from: string; to: string }>();
  const dagNode = (dagId: string) => {
    const id = `dag:${dagId}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: "dag", label: dagId, href: `/dags/${encodeURIComponent(dagId)}/graph` });
    return id;
  };
  const datasetNode = (uri: string) => {
    const id = `dataset:${uri}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: "dataset", label: uri, href: `/datasets/events?uri=${encodeURIComponent(uri)}` });
    return id;
  };
  const edge = (from: string, to: string) => edges.set(`${from}\u0000${to}`, { from, to });
  for (const d of dependencies) {
    if (d.dependency_type === "dataset") {
      if (d.source === "dataset") edge(datasetNode(d.dependency_id), dagNode(d.target));
      else edge(dagNode(d.source), datasetNode(d.dependency_id));
      continue;
    }
    const id = `${d.dependency_type}:${d.source}:${d.target}:${d.dependency_id}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: d.dependency_type, label: d.dependency_id, href: null });
    edge(dagNode(d.source), id);
    edge(id, dagNode(d.target));
  }
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return { nodes: [...nodes.values()].sort(byId), edges: [...edges.values()] };
}
