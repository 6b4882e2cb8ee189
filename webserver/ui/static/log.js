// The log's live tail: reads what was added since the last read, every second, until the try is over.
(() => {
  const pre = document.getElementById("log");
  const status = document.getElementById("log-status");
  const follow = document.getElementById("follow");
  if (!pre) return;
  let pos = 0;
  async function tick() {
    let next = 1000;
    try {
      const response = await fetch(`${pre.dataset.url}&pos=${pos}`, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        status.textContent = `cannot read the log (${response.status})`;
        return;
      }
      const data = await response.json();
      if (data.content) {
        pre.append(document.createTextNode(data.content));
        if (follow.checked) pre.scrollTop = pre.scrollHeight;
        document.getElementById("log-waiting")?.remove();
      }
      pos = data.pos;
      if (data.end) {
        status.textContent = "complete";
        status.classList.remove("connected");
        pre.dataset.complete = "true";
        return;
      }
      status.textContent = data.waiting ? "waiting for the try to start…" : "● following";
      status.classList.toggle("connected", !data.waiting);
    } catch {
      status.textContent = "connection lost, retrying…";
      next = 3000;
    }
    setTimeout(tick, next);
  }
  void tick();
})();
