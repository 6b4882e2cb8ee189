import type express from "express";
import { Resource } from "../../auth/permissions.ts";
import { effectiveClassifications } from "../../../governance/classification.ts";
import { LineageGraph } from "../../../lineage/service/graph.ts";
import { impactOf } from "../../../lineage/service/impact.ts";
import { nodeId, parseNodeId } from "../../../lineage/naming.ts";
import { page, query, requirePermission, type UiContext } from "../context.ts";
import { renderPage } from "../render.ts";

const DEPTH = 5;

/**
 * The lineage pages: `/lineage` lists the datasets and jobs Updraft's lineage service knows; `/lineage?nodeId=…`
 * draws the graph around one node (click a node to move there) and, for a dataset, its impact: every DAG, task,
 * dataset and model downstream, and its classification tags.
 */
export function lineageRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/lineage", page(async (req, res) => {
    requirePermission(res, "can_read", Resource.DATASET);
    const graph = await LineageGraph.load(ctx.db);
    const tags = await effectiveClassifications(ctx.db, graph);
    const id = query(req, "nodeId");
    const datasets = [...graph.datasets.values()].map((d) => ({ ...d, id: nodeId("dataset", d), tags: [...new Set((tags.get(nodeId("dataset", d)) ?? []).map((t) => t.tag))] })).sort((a, b) => a.id.localeCompare(b.id));
    const jobs = [...graph.jobs.values()].map((j) => ({ ...j, id: nodeId("job", j) })).sort((a, b) => a.id.localeCompare(b.id));
    if (!id) return renderPage(res, "lineage", "Lineage", { datasets, jobs });
    const node = parseNodeId(id);
    if (!node || !graph.has(id)) return renderPage(res, "lineage", "Lineage", { datasets, jobs, missing: id }, 404);
    const ids = graph.neighbourhood(id, DEPTH);
    const nodes = [...ids].map((n) => {
      const parsed = parseNodeId(n)!;
      return { id: n, kind: parsed.kind, label: parsed.name, namespace: parsed.namespace, selected: n === id, tags: [...new Set((tags.get(n) ?? []).map((t) => t.tag))] };
    });
    const edges = [...ids].flatMap((from) => graph.outEdges(from).filter((to) => ids.has(to)).map((to) => ({ from, to })));
    const impact = node.kind === "dataset" ? impactOf(graph, id) : null;
    renderPage(res, "lineage", `Lineage of ${node.name}`, {
      datasets, jobs, node, selected: id, graph: { nodes, edges }, impact, classifications: tags.get(id) ?? [], depth: DEPTH,
    });
  }));
}
