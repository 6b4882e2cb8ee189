import type { Queryable } from "../../core/store/database.ts";
import { nodeId } from "../naming.ts";
import type { Facets } from "../types.ts";

export interface JobRow {
  namespace: string;
  name: string;
  facets: Facets;
  latest_run_id: string | null;
  latest_event_type: string | null;
  latest_event_time: Date | null;
  created_at: Date;
  updated_at: Date;
}
export interface DatasetRow {
  namespace: string;
  name: string;
  facets: Facets;
  created_at: Date;
  updated_at: Date;
}
interface EdgeRow {
  job_namespace: string;
  job_name: string;
  dataset_namespace: string;
  dataset_name: string;
  direction: "input" | "output";
}

/**
 * The whole lineage graph, read in three queries: jobs and datasets are nodes, and an edge runs dataset → job for an
 * input and job → dataset for an output. Read whole because the walks below (neighbourhood, downstream, upstream) go
 * any number of hops; fine up to some hundred thousand edges, past which a recursive query would be the way.
 */
export class LineageGraph {
  readonly jobs = new Map<string, JobRow>();
  readonly datasets = new Map<string, DatasetRow>();
  private readonly out = new Map<string, Set<string>>();
  private readonly in = new Map<string, Set<string>>();

  static async load(db: Queryable): Promise<LineageGraph> {
    const graph = new LineageGraph();
    const [jobs, datasets, edges] = await Promise.all([
      db.query<JobRow>("SELECT namespace, name, facets, latest_run_id, latest_event_type, latest_event_time, created_at, updated_at FROM lineage_job"),
      db.query<DatasetRow>("SELECT namespace, name, facets, created_at, updated_at FROM lineage_dataset"),
      db.query<EdgeRow>("SELECT job_namespace, job_name, dataset_namespace, dataset_name, direction FROM lineage_edge"),
    ]);
    for (const j of jobs.rows) graph.jobs.set(nodeId("job", j), j);
    for (const d of datasets.rows) graph.datasets.set(nodeId("dataset", d), d);
    for (const e of edges.rows) {
      const job = nodeId("job", { namespace: e.job_namespace, name: e.job_name });
      const dataset = nodeId("dataset", { namespace: e.dataset_namespace, name: e.dataset_name });
      if (e.direction === "input") graph.link(dataset, job);
      else graph.link(job, dataset);
    }
    return graph;
  }

  private link(from: string, to: string): void {
    if (!this.out.has(from)) this.out.set(from, new Set());
    if (!this.in.has(to)) this.in.set(to, new Set());
    this.out.get(from)!.add(to);
    this.in.get(to)!.add(from);
  }

  has(id: string): boolean {
    return this.jobs.has(id) || this.datasets.has(id);
  }

  outEdges(id: string): string[] {
    return [...(this.out.get(id) ?? [])];
  }
  inEdges(id: string): string[] {
    return [...(this.in.get(id) ?? [])];
  }

  /** Nodes within `depth` jobs of `start`, both ways (Marquez's `depth`: how many job hops to follow). */
  neighbourhood(start: string, depth: number): Set<string> {
    const seen = new Set([start]);
    let frontier = [start];
    // A job hop is two edges (dataset → job → dataset); the start's own jobs are hop 1.
    for (let step = 0; step < depth * 2 && frontier.length; step++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const n of [...this.outEdges(id), ...this.inEdges(id)]) {
          if (!seen.has(n)) {
            seen.add(n);
            next.push(n);
          }
        }
      }
      frontier = next;
    }
    return seen;
  }

  /** Every node reachable following edges forwards (downstream) or backwards (upstream), without the start. */
  reachable(start: string, direction: "downstream" | "upstream"): Set<string> {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      for (const n of direction === "downstream" ? this.outEdges(id) : this.inEdges(id)) {
        if (!seen.has(n) && n !== start) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return seen;
  }
}
