// Small behaviours every page shares: selects that submit their form, and confirmations on destructive buttons.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) target.form?.submit();
});
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
  if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
});

/** Opens the DAG's live event stream; `onChange` is called (debounced) after any state change. */
window.updraftLive = function (dagId, onChange) {
  const indicator = document.querySelector("[data-live-indicator]");
  const source = new EventSource(dagId ? `/ui/events?dag_id=${encodeURIComponent(dagId)}` : "/ui/events");
  // Bursts (a run's tasks finishing together) become one call; a `run` event in the burst wins, with its data.
  let timer = null;
  let runData = null;
  let tiData = null;
  const changed = (event) => {
    if (event.type === "run") runData = JSON.parse(event.data);
    else tiData = JSON.parse(event.data);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const call = runData ? ["run", runData] : ["ti", tiData];
      runData = tiData = null;
      onChange(call[0], call[1]);
    }, 120);
  };
  source.addEventListener("ti", changed);
  source.addEventListener("run", changed);
  source.addEventListener("open", () => indicator?.classList.add("connected"));
  source.addEventListener("error", () => indicator?.classList.remove("connected"));
  return source;
};

// Pages with `data-live-dag` (run and task-instance details; empty for the DAGs list: any DAG) refresh their `data-live-region` parts on a state
// change: the page is fetched again and each region swapped for its new version (forms live outside the regions, so
// nothing being typed is lost).
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.querySelector("[data-live-dag]");
  if (!holder) return;
  window.updraftLive(holder.getAttribute("data-live-dag"), async () => {
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const region of document.querySelectorAll("[data-live-region]")) {
      const next = fresh.querySelector(`[data-live-region="${region.getAttribute("data-live-region")}"]`);
      if (next) region.innerHTML = next.innerHTML;
    }
  });
});
