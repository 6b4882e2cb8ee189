import type { DatasetRow, JobRow, LineageGraph } from "./graph.ts";
import { nodeId } from "../naming.ts";

/** A job as Marquez's API shows it (the fields Updraft has). */
export function jobJson(j: JobRow, graph?: LineageGraph) {
  const id = nodeId("job", j);
  const io = (ids: string[]) => ids.map((d) => graph?.datasets.get(d)).filter((d): d is DatasetRow => !!d).map((d) => ({ namespace: d.namespace, name: d.name }));
  return {
    id: { namespace: j.namespace, name: j.name },
    type: "BATCH",
    name: j.name,
    simpleName: j.name,
    namespace: j.namespace,
    createdAt: j.created_at.toISOString(),
    updatedAt: j.updated_at.toISOString(),
    inputs: graph ? io(graph.inEdges(id)) : [],
    outputs: graph ? io(graph.outEdges(id)) : [],
    description: (j.facets.documentation as { description?: string } | undefined)?.description ?? null,
    facets: j.facets,
    latestRun: j.latest_run_id ? { id: j.latest_run_id, state: runState(j.latest_event_type), updatedAt: j.latest_event_time?.toISOString() ?? null } : null,
  };
}

/** A dataset as Marquez's API shows it. */
export function datasetJson(d: DatasetRow) {
  const schema = d.facets.schema as { fields?: Array<{ name: string; type?: string; description?: string }> } | undefined;
  return {
    id: { namespace: d.namespace, name: d.name },
    type: "DB_TABLE",
    name: d.name,
    physicalName: d.name,
    namespace: d.namespace,
    sourceName: d.namespace,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
    fields: (schema?.fields ?? []).map((f) => ({ name: f.name, type: f.type ?? null, description: f.description ?? null, tags: [] })),
    description: (d.facets.documentation as { description?: string } | undefined)?.description ?? null,
    facets: d.facets,
  };
}

/** Marquez's run states, from the latest OpenLineage event type. */
function runState(eventType: string | null): string {
  switch (eventType) {
    case "COMPLETE": return "COMPLETED";
    case "FAIL": return "FAILED";
    case "ABORT": return "ABORTED";
    case "START":
    case "RUNNING": return "RUNNING";
    default: return "NEW";
  }
}

/** Marquez's `GET /lineage` answer: `{graph: [{id, type, data, inEdges, outEdges}]}` for the nodes given. */
export function lineageJson(graph: LineageGraph, ids: Iterable<string>) {
  const nodes = [...ids];
  const keep = new Set(nodes);
  return {
    graph: nodes.map((id) => {
      const job = graph.jobs.get(id);
      const dataset = graph.datasets.get(id);
      return {
        id,
        type: job ? "JOB" : "DATASET",
        data: job ? jobJson(job, graph) : dataset ? datasetJson(dataset) : null,
        inEdges: graph.inEdges(id).filter((o) => keep.has(o)).map((origin) => ({ origin, destination: id })),
        outEdges: graph.outEdges(id).filter((d) => keep.has(d)).map((destination) => ({ origin: id, destination })),
      };
    }),
  };
}
