// The lineage graph: datasets and jobs; a click on a node re-centres the page on it.
(() => {
  const data = JSON.parse(document.getElementById("lineage-data").textContent);
  window.updraftFlowGraph(document.getElementById("lineage-svg"), data.nodes, data.edges, (node) => ({
    label: node.tags.length ? `${node.label} [${node.tags.join(", ")}]` : node.label,
    className: `dep-${node.kind === "dataset" ? "dataset" : "dag"}${node.selected ? " selected" : ""}`,
    href: `/lineage?nodeId=${encodeURIComponent(node.id)}`,
    title: `${node.kind}: ${node.namespace} ${node.label}`,
  }));
})();
