import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Standalone } from "../cli/standalone.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { startUiStandalone, UiClient } from "./helpers/ui-session.ts";
import { waitFor } from "./helpers/wait-for.ts";

const LONG = { timeout: 60_000 };
let standalone: Standalone & { removeHome(): Promise<void> };
let admin: UiClient;

beforeAll(async () => {
  standalone = await startUiStandalone();
  admin = new UiClient(standalone.url);
  expect((await admin.login("admin", standalone.adminPassword!)).status).toBe(303);
}, 60_000);

afterAll(async () => {
  await standalone?.stop();
  await standalone?.removeHome();
});

const runsOf = async (dagId: string) =>
  (await standalone.db.query<{ run_id: string; state: string; conf: Record<string, unknown> }>("SELECT run_id, state, conf FROM dag_run WHERE dag_id = $1 ORDER BY id", [dagId])).rows;

describe("logging in to the web UI", () => {
  it("sends a visitor without a session to the login page, and leaves the APIs to their own auth", async () => {
    const visitor = new UiClient(standalone.url);
    const page = await visitor.get("/dags/ui_quick/grid");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/login?next=%2Fdags%2Fui_quick%2Fgrid");
    expect((await visitor.get("/ui/events?dag_id=ui_quick")).status).toBe(401);
    expect((await fetch(`${standalone.url}/api/v1/health`)).status).toBe(200);
    expect((await fetch(`${standalone.url}/api/v1/dags`)).status).toBe(401);
  });

  it("logs in with a HttpOnly, SameSite=Lax session cookie, refuses a wrong password, and logs out", async () => {
    const client = new UiClient(standalone.url);
    const login = await client.get("/login");
    expect(login.status).toBe(200);
    expect(login.text).toContain("standalone_admin_password.txt");
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith("updraft_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const wrong = await client.post("/login", { username: "admin", password: "nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain("Wrong username or password.");

    const other = new UiClient(standalone.url);
    await other.get("/login");
    const elsewhere = await other.post("/login", { username: "admin", password: standalone.adminPassword!, next: "/\\evil.example" });
    expect(elsewhere.location).toBe("/dags");
    const ok = await client.post("/login", { username: "admin", password: standalone.adminPassword!, next: "/pools" });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe("/pools");
    expect((await client.get("/dags")).status).toBe(200);

    expect((await client.post("/logout")).status).toBe(303);
    expect((await client.get("/dags")).status).toBe(303);
  });

  it("refuses a login form, and any other form, without the session's CSRF token (403), changing nothing", async () => {
    const client = new UiClient(standalone.url);
    await client.get("/login");
    const forged = await client.post("/login", { username: "admin", password: standalone.adminPassword!, _csrf: null });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("CSRF token");

    const before = (await standalone.db.query<{ is_paused: boolean }>("SELECT is_paused FROM dag WHERE dag_id = 'ui_shapes'")).rows[0].is_paused;
    expect((await admin.post("/dags/ui_shapes/pause", { is_paused: String(!before), _csrf: null })).status).toBe(403);
    expect((await admin.post("/dags/ui_shapes/pause", { is_paused: String(!before), _csrf: "forged-token" })).status).toBe(403);
    const after = (await standalone.db.query<{ is_paused: boolean }>("SELECT is_paused FROM dag WHERE dag_id = 'ui_shapes'")).rows[0].is_paused;
    expect(after).toBe(before);
  });
});

describe("pages", () => {
  it("lists DAGs with their schedule in words, tags, filters and pause toggles", async () => {
    const list = await admin.get("/dags");
    expect(list.status).toBe(200);
    expect(list.text).toContain("ui_quick");
    expect(list.text).toContain("Every day at 06:30");
    expect(list.text).toContain("Manual triggers only");
    expect(list.text).toContain("When its datasets are updated");
    expect(list.text).toContain('class="tag"');
    expect(list.text).toContain('action="/dags/ui_quick/pause"');
    const filtered = await admin.get("/dags?tag=quick");
    expect(filtered.text).toContain("ui_quick");
    expect(filtered.text).not.toContain('href="/dags/ui_shapes/grid"');
    const searched = await admin.get("/dags?search=SHAPES");
    expect(searched.text).toContain('href="/dags/ui_shapes/grid"');
    expect(searched.text).not.toContain('href="/dags/ui_quick/grid"');
  });

  it("renders every page of a DAG and the admin pages", async () => {
    const pages: Array<[string, string]> = [
      ["/dags/ui_shapes/grid", 'data-group-id="prepare"'],
      ["/dags/ui_shapes/graph", "graph-data"],
      ["/dags/ui_shapes/gantt", "No runs yet"],
      ["/dags/ui_shapes/durations", "How long each task took"],
      ["/dags/ui_quick/trigger", 'name="param.greeting"'],
      ["/pools", "default_pool"],
      ["/variables", "Variables"],
      ["/connections", "Connections"],
      ["/datasets", '<a href="/dags/ui_dataset_producer/grid">'],
      ["/audit-log", "Audit log"],
    ];
    for (const [path, content] of pages) {
      const page = await admin.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain(content);
    }
    expect((await admin.get("/dags/no_such_dag/grid")).status).toBe(404);
    expect((await admin.get("/no/such/page")).status).toBe(404);
    expect((await admin.post("/dags/ui_quick/trigger", { conf: "x".repeat(300_000) })).status).toBe(413);
  });

  it("shows a dataset's recent events and the DAG dependencies graph", async () => {
    const auth = `Basic ${Buffer.from(`admin:${standalone.adminPassword}`).toString("base64")}`;
    const posted = await fetch(`${standalone.url}/api/v1/datasets/events`, {
      method: "POST", headers: { authorization: auth, "content-type": "application/json" },
      body: JSON.stringify({ dataset_uri: "s3://ui-tests/report", extra: { rows: 42 } }),
    });
    expect(posted.status).toBe(200);
    const events = await admin.get(`/datasets/events?uri=${encodeURIComponent("s3://ui-tests/report")}`);
    expect(events.status).toBe(200);
    expect(events.text).toContain("external (REST API)");
    expect(events.text).toContain("&quot;rows&quot;: 42");
    expect(events.text).toContain('<a href="/dags/ui_dataset_consumer/grid">');
    expect((await admin.get("/datasets")).text).toContain('href="/datasets/events?uri=s3%3A%2F%2Fui-tests%2Freport"');
    const dependencies = await admin.get("/dag-dependencies");
    const graph = JSON.parse(/<script type="application\/json" id="dependency-data">(.*?)<\/script>/s.exec(dependencies.text)![1]) as { nodes: Array<{ id: string }>; edges: Array<{ from: string; to: string }> };
    expect(graph.edges).toEqual(expect.arrayContaining([
      { from: "dag:ui_dataset_producer", to: "dataset:s3://ui-tests/report" },
      { from: "dataset:s3://ui-tests/report", to: "dag:ui_dataset_consumer" },
    ]));
    expect(graph.nodes.map((n) => n.id)).not.toContain("dag:ui_quick");
  });

  it("shows a banner with the files that fail to import", async () => {
    await standalone.db.query("INSERT INTO import_error (filename, stacktrace) VALUES ('/dags/broken.ts', 'SyntaxError: Unexpected token (3:7)')");
    const list = await admin.get("/dags");
    expect(list.text).toContain("1 DAG import error(s)");
    expect(list.text).toContain("SyntaxError: Unexpected token (3:7)");
    await standalone.db.query("DELETE FROM import_error");
  });

  it("never shows a connection's password, and hides values of variables that look secret", async () => {
    await standalone.db.query("INSERT INTO connection (conn_id, conn_type, host, login, password) VALUES ('warehouse', 'postgres', 'db.example', 'etl', 'pa55-w0rd-xyz')");
    await standalone.db.query("INSERT INTO variable (key, val) VALUES ('api_key', 'k-123-secret'), ('region', 'eu-west-1')");
    const connections = await admin.get("/connections");
    expect(connections.text).toContain("db.example");
    expect(connections.text).not.toContain("pa55-w0rd-xyz");
    const variables = await admin.get("/variables");
    expect(variables.text).toContain("eu-west-1");
    expect(variables.text).not.toContain("k-123-secret");
  });
});

describe("acting on runs from the UI", () => {
  it("triggers with conf from the params form, runs it once unpaused, and shows its run, task, log and audit entries", LONG, async () => {
    const refused = await admin.post("/dags/ui_quick/trigger", { "param.greeting": "hi", "param.times": "0" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("times");
    expect(await runsOf("ui_quick")).toHaveLength(0);

    const triggered = await admin.post("/dags/ui_quick/trigger", { "param.greeting": "hi", "param.times": "3", conf: '{"extra": true}' });
    expect(triggered.status).toBe(303);
    const [run] = await runsOf("ui_quick");
    expect(run.conf).toEqual({ greeting: "hi", times: 3, extra: true });
    expect((await admin.post("/dags/ui_quick/pause", { is_paused: "false" })).status).toBe(303);
    await waitFor("the run to succeed", async () => ((await runsOf("ui_quick"))[0].state === "success" ? true : undefined), 30_000);

    const grid = await admin.get("/dags/ui_quick/grid");
    expect(grid.text.match(/class="cell state-success"/g)).toHaveLength(2);
    const durations = await admin.get("/dags/ui_quick/durations");
    expect(durations.text.match(/<i style="height:/g)).toHaveLength(2);
    const gantt = await admin.get("/dags/ui_quick/gantt");
    expect(gantt.text.match(/class="bar state-success"/g)).toHaveLength(2);
    const runPage = await admin.get(`/dags/ui_quick/runs/${encodeURIComponent(run.run_id)}`);
    expect(runPage.status).toBe(200);
    expect(runPage.text).toContain("&quot;greeting&quot;: &quot;hi&quot;");
    const tiPage = await admin.get(`/dags/ui_quick/runs/${encodeURIComponent(run.run_id)}/tasks/hello`);
    expect(tiPage.status).toBe(200);
    expect(tiPage.text).toContain("Rendered templates");
    expect(tiPage.text).toContain("hi x3");
    const log = await admin.get(`/dags/ui_quick/runs/${encodeURIComponent(run.run_id)}/tasks/hello/log/data?try=1&pos=0`);
    expect(JSON.parse(log.text)).toMatchObject({ end: true });
    expect(JSON.parse(log.text).content).toContain(`hi x3 from ${run.run_id}`);
    const audit = await admin.get("/audit-log?dag_id=ui_quick");
    expect(audit.text).toContain("trigger");
    expect(audit.text).toContain("unpaused");
  });

  it("clears a task with its downstream tasks and re-runs them; marks a task failed", LONG, async () => {
    const [run] = await runsOf("ui_quick");
    const tries = async () => (await standalone.db.query<{ task_id: string; try_number: number; state: string }>(
      "SELECT task_id, try_number, state FROM task_instance WHERE dag_id = 'ui_quick' AND run_id = $1 ORDER BY task_id", [run.run_id])).rows;
    const cleared = await admin.post("/dags/ui_quick/clear", { run_id: run.run_id, task_id: "hello", downstream: "true" });
    expect(cleared.status).toBe(303);
    expect((await admin.get(cleared.location!)).text).toContain("Cleared 2 task instances");
    await waitFor("both tasks to run again", async () => {
      const now = await tries();
      return now.every((t) => t.try_number === 2 && t.state === "success") ? true : undefined;
    }, 30_000);

    const marked = await admin.post("/dags/ui_quick/mark", { run_id: run.run_id, task_id: "goodbye", state: "failed" });
    expect(marked.status).toBe(303);
    expect((await tries()).find((t) => t.task_id === "goodbye")!.state).toBe("failed");
  });

  it("tails a running task's log: what was written so far, then the rest from where it stopped", LONG, async () => {
    await admin.post("/dags/ui_slow/pause", { is_paused: "false" });
    await admin.post("/dags/ui_slow/trigger", {});
    const [run] = await runsOf("ui_slow");
    const url = `/dags/ui_slow/runs/${encodeURIComponent(run.run_id)}/tasks/slow/log/data?try=1`;
    const first = await waitFor("the first line while the task runs", async () => {
      const page = await admin.get(`${url}&pos=0`);
      const data = page.status === 200 ? (JSON.parse(page.text) as { content: string; pos: number; end: boolean }) : null;
      return data?.content.includes("line-1") ? data : undefined;
    }, 20_000);
    expect(first.end).toBe(false);
    expect(first.content).not.toContain("line-2");
    const rest = await waitFor("the rest once the task ends", async () => {
      const data = JSON.parse((await admin.get(`${url}&pos=${first.pos}`)).text) as { content: string; end: boolean };
      return data.end ? data : undefined;
    }, 20_000);
    expect(rest.content).toContain("line-2");
    expect(rest.content).not.toContain("line-1");
    const page = await admin.get(`/dags/ui_slow/runs/${encodeURIComponent(run.run_id)}/tasks/slow/log?try=1`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="log"');
  });

  it("streams state changes as server-sent events, for one DAG and for the DAGs list", LONG, async () => {
    const controller = new AbortController();
    const cookie = (admin as unknown as { cookie: string }).cookie;
    const open = async (path: string) => {
      const response = await fetch(`${standalone.url}${path}`, { headers: { cookie }, signal: controller.signal });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const reader = response.body!.getReader();
      let received = "";
      return async (...events: string[]) => waitFor(`${events.join(" and ")} on ${path}`, async () => {
        received += new TextDecoder().decode((await reader.read()).value);
        return events.every((e) => received.includes(`event: ${e}`)) ? true : undefined;
      }, 20_000);
    };
    const oneDag = await open("/ui/events?dag_id=ui_quick");
    const allDags = await open("/ui/events");
    await admin.post("/dags/ui_quick/trigger", { "param.greeting": "live", "param.times": "1" });
    await oneDag("run", "ti");
    await allDags("run");
    controller.abort();
  });
});

describe("a Viewer", () => {
  it("sees DAGs and runs but no action buttons, and gets 403 for every action and the admin pages", async () => {
    const viewer = new UiClient(standalone.url);
    expect((await viewer.login("viewer", "viewer-pass")).status).toBe(303);
    const list = await viewer.get("/dags");
    expect(list.status).toBe(200);
    expect(list.text).toContain("ui_quick");
    expect(list.text).not.toContain('action="/dags/ui_quick/pause"');
    const grid = await viewer.get("/dags/ui_quick/grid");
    expect(grid.status).toBe(200);
    expect(grid.text).not.toContain("▶ Trigger");
    expect((await viewer.get("/dags/ui_quick/trigger")).status).toBe(403);

    const runIds = async () => (await runsOf("ui_quick")).map((r) => r.run_id);
    const before = await runIds();
    const [run] = await runsOf("ui_quick");
    for (const [path, form] of [
      ["/dags/ui_quick/trigger", { "param.greeting": "x" }],
      ["/dags/ui_quick/pause", { is_paused: "true" }],
      ["/dags/ui_quick/clear", { run_id: run.run_id, task_id: "hello" }],
      ["/dags/ui_quick/mark", { run_id: run.run_id, task_id: "hello", state: "failed" }],
      [`/dags/ui_quick/runs/${encodeURIComponent(run.run_id)}/state`, { state: "failed" }],
    ] as const) {
      const refused = await viewer.post(path, form);
      expect(refused.status, path).toBe(403);
      expect(refused.text).toContain("Your role (Viewer) may not");
    }
    expect(await runIds()).toEqual(before);
    for (const path of ["/variables", "/connections", "/pools"]) expect((await viewer.get(path)).status, path).toBe(403);
    expect((await viewer.get("/audit-log")).status).toBe(200);
  });

  it("keeps a Public user out of every page", async () => {
    await standalone.db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('public', 'Public', $1)", [await hashPassword("public-pass")]);
    const outsider = new UiClient(standalone.url);
    await outsider.get("/login");
    expect((await outsider.post("/login", { username: "public", password: "public-pass" })).status).toBe(303);
    const list = await outsider.get("/dags");
    expect(list.status).toBe(403);
    expect(list.text).toContain("Your role (Public) may not use the web UI");
    expect((await outsider.get("/dags/ui_quick/grid")).status).toBe(403);
  });
});
