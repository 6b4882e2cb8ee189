// The grid's live updates and collapsible task groups. On a state change the table is fetched again as an HTML
// fragment (the server renders 25 runs × 100 tasks in a few ms) and swapped in; collapsed groups stay collapsed.
(() => {
  const wrap = document.getElementById("grid");
  if (!wrap) return;
  const dagId = wrap.dataset.dagId;
  const storeKey = `updraft.collapsed.${dagId}`;
  const collapsed = new Set(JSON.parse(localStorage.getItem(storeKey) || "[]"));

  function applyCollapsed() {
    for (const row of wrap.querySelectorAll("tr[data-groups]")) {
      const groups = row.dataset.groups ? row.dataset.groups.split(" ") : [];
      row.classList.toggle("hidden", groups.some((g) => collapsed.has(g)));
    }
    for (const button of wrap.querySelectorAll(".group-toggle")) button.setAttribute("aria-expanded", String(!collapsed.has(button.dataset.group)));
  }

  wrap.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest(".group-toggle") : null;
    if (!button) return;
    const group = button.dataset.group;
    if (collapsed.has(group)) collapsed.delete(group);
    else collapsed.add(group);
    localStorage.setItem(storeKey, JSON.stringify([...collapsed]));
    applyCollapsed();
  });

  let inFlight = false;
  let again = false;
  async function refresh() {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const response = await fetch(wrap.dataset.fragmentUrl, { headers: { Accept: "text/html" } });
      if (response.ok) {
        wrap.innerHTML = await response.text();
        applyCollapsed();
        wrap.dataset.updatedAt = String(Date.now());
      }
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  applyCollapsed();
  window.updraftLive(dagId, () => void refresh());
})();
