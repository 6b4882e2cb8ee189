// A left-to-right node graph laid out by dagre, shared by the DAG dependencies and lineage views. Each node says its
// label, CSS class, link and tooltip; edges get an arrow.
window.updraftFlowGraph = (svg, nodes, edges, describe) => {
  const NS = "http://www.w3.org/2000/svg";
  const el = (name, attrs, parent) => {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    parent.appendChild(node);
    return node;
  };
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 50, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    const look = describe(node);
    g.setNode(node.id, { width: Math.max(90, Math.min(380, look.label.length * 7.2 + 30)), height: 34, node, look });
  }
  for (const edge of edges) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const graph = g.graph();
  svg.setAttribute("width", graph.width);
  svg.setAttribute("height", graph.height);
  svg.setAttribute("viewBox", `0 0 ${graph.width} ${graph.height}`);
  const arrowId = `${svg.id}-arrow`;
  const marker = el("marker", { id: arrowId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" }, el("defs", {}, svg));
  el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#9aa5b1" }, marker);
  for (const e of g.edges()) {
    const points = g.edge(e).points;
    el("path", { class: "edge", d: points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" "), "marker-end": `url(#${arrowId})` }, svg);
  }
  for (const id of g.nodes()) {
    const { x, y, width, height, node, look } = g.node(id);
    const group = el(look.href ? "a" : "g", { class: `node ${look.className}`, "data-node-id": node.id }, svg);
    if (look.href) group.setAttribute("href", look.href);
    el("rect", { x: x - width / 2, y: y - height / 2, width, height }, group);
    el("text", { x: x - width / 2 + 10, y: y + 4 }, group).textContent = look.label;
    el("title", {}, group).textContent = look.title;
  }
};
