// The graph view: tasks laid out by dagre (left to right, task groups as clusters), coloured by the chosen run's
// states, recoloured live from the event stream.
(() => {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const svg = document.getElementById("graph-svg");
  const NS = "http://www.w3.org/2000/svg";
  const COLORS = {
    success: "#008000", running: "#00ff00", failed: "#ff0000", upstream_failed: "#ffa500", up_for_retry: "#ffd700",
    up_for_reschedule: "#40e0d0", queued: "#808080", scheduled: "#d2b48c", skipped: "#ff69b4", removed: "#d3d3d3",
    restarting: "#ee82ee", deferred: "#9370db",
  };
  const el = (name, attrs, parent) => {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    parent.appendChild(node);
    return node;
  };

  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 46, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const group of data.groups) g.setNode(`group:${group.id}`, { label: group.id, cluster: true, paddingTop: 22 });
  for (const group of data.groups) if (group.parent) g.setParent(`group:${group.id}`, `group:${group.parent}`);
  const label = (task) => (task.group && task.id.startsWith(`${task.group}.`) ? task.id.slice(task.group.length + 1) : task.id);
  for (const task of data.tasks) {
    const width = Math.max(120, Math.min(300, Math.max(label(task).length * 7.4, (task.operator.length + 20) * 5.9) + 24));
    g.setNode(task.id, { width, height: 40, task });
    if (task.group) g.setParent(task.id, `group:${task.group}`);
  }
  for (const task of data.tasks) for (const up of task.upstream) if (g.hasNode(up)) g.setEdge(up, task.id);
  dagre.layout(g);

  const graph = g.graph();
  svg.setAttribute("width", graph.width);
  svg.setAttribute("height", graph.height);
  svg.setAttribute("viewBox", `0 0 ${graph.width} ${graph.height}`);
  const defs = el("defs", {}, svg);
  const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" }, defs);
  el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#9aa5b1" }, marker);

  // Clusters first (outermost first, so nested ones are drawn on top).
  const clusters = data.groups.map((group) => ({ group, node: g.node(`group:${group.id}`) })).filter((c) => c.node && c.node.width);
  clusters.sort((a, b) => a.group.id.split(".").length - b.group.id.split(".").length);
  for (const { group, node } of clusters) {
    const c = el("g", { class: "cluster" }, svg);
    el("rect", { x: node.x - node.width / 2, y: node.y - node.height / 2, width: node.width, height: node.height }, c);
    el("text", { x: node.x - node.width / 2 + 8, y: node.y - node.height / 2 + 14 }, c).textContent = group.id;
  }
  for (const e of g.edges()) {
    const points = g.edge(e).points;
    el("path", { class: "edge", d: points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" "), "marker-end": "url(#arrow)" }, svg);
  }
  const rects = new Map();
  for (const task of data.tasks) {
    const node = g.node(task.id);
    const link = el("a", { class: "node", "data-task-id": task.id }, svg);
    if (data.tiBase) link.setAttribute("href", data.tiBase + encodeURIComponent(task.id));
    const rect = el("rect", { x: node.x - node.width / 2, y: node.y - node.height / 2, width: node.width, height: node.height }, link);
    el("text", { x: node.x - node.width / 2 + 10, y: node.y - 3 }, link).textContent = label(task) + (task.mapped ? " [ ]" : "");
    const op = el("text", { class: "op", x: node.x - node.width / 2 + 10, y: node.y + 12 }, link);
    op.textContent = task.operator;
    const title = el("title", {}, link);
    rects.set(task.id, { rect, op, title, task });
  }

  function paint(states) {
    for (const [taskId, { rect, op, title, task }] of rects) {
      const s = states[taskId];
      const state = s ? s.state : null;
      rect.style.stroke = state ? COLORS[state] : "#b0b8c1";
      rect.setAttribute("data-state", state || "none");
      op.textContent = task.operator + (s && s.count ? ` · ${s.count} mapped` : "") + (state ? ` · ${state}` : "");
      title.textContent = `${taskId}: ${state || "no status"}`;
    }
  }
  paint(data.states);

  window.updraftLive(data.dagId, async (type, events) => {
    if (type === "run" && data.followLatest && events.length && events[0].run_id !== data.runId) {
      window.location.reload();
      return;
    }
    if (!data.runId) return;
    const response = await fetch(`/dags/${encodeURIComponent(data.dagId)}/graph/states?run_id=${encodeURIComponent(data.runId)}`);
    if (response.ok) paint((await response.json()).states);
  });
})();
