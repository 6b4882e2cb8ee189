// The DAG dependencies graph: DAG, dataset, trigger and sensor nodes.
(() => {
  const data = JSON.parse(document.getElementById("dependency-data").textContent);
  window.updraftFlowGraph(document.getElementById("dependency-svg"), data.nodes, data.edges, (node) => ({
    label: node.label, className: `dep-${node.kind}`, href: node.href, title: `${node.kind}: ${node.id.slice(node.kind.length + 1)}`,
  }));
})();
