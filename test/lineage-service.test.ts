import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../core/store/database.ts";
import { buildAccessReview } from "../governance/access-review.ts";
import { materializePropagatedTags } from "../governance/classification.ts";
import { applyRetention, RetentionPolicyError } from "../governance/retention.ts";
import { dataQualityMetricsFacet, datasetTypeFacet, schemaFacet } from "../lineage/facets.ts";
import { LineageGraph } from "../lineage/service/graph.ts";
import { parseNodeId } from "../lineage/naming.ts";
import { PRODUCER, RUN_EVENT_SCHEMA_URL, type InputDataset, type OutputDataset, type RunEvent } from "../lineage/types.ts";
import { listen, type RunningServer } from "../webserver/app.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { uiRouter } from "../webserver/ui/router.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { describeEachBackend } from "./helpers/databases.ts";
import { UiClient } from "./helpers/ui-session.ts";

const PG = "postgres://wh:5432";
let n = 0;
/** A run event of job `name` (namespace "prod") reading `inputs` and writing `outputs`. */
function event(name: string, inputs: InputDataset[], outputs: OutputDataset[], type = "COMPLETE", facets: RunEvent["job"]["facets"] = {}): RunEvent {
  n++;
  return {
    eventType: type as RunEvent["eventType"], eventTime: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(), producer: PRODUCER, schemaURL: RUN_EVENT_SCHEMA_URL,
    run: { runId: `018ccc9e-ac00-7000-8000-${String(n).padStart(12, "0")}` }, job: { namespace: "prod", name, facets }, inputs, outputs,
  };
}
const task = (dagId: string, taskId: string) => ({ updraft_task: { _producer: PRODUCER, _schemaURL: `${PRODUCER}/UpdraftTaskJobFacet.json`, dagId, taskId } });
const ds = (name: string, namespace = PG) => ({ namespace, name });
const node = (kind: string, d: { namespace: string; name: string }) => `${kind}:${d.namespace}:${d.name}`;

describeEachBackend("Updraft's lineage service (Marquez's API shape)", (backend) => {
  let db: Database;
  let server: RunningServer;
  const auth = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${user}-pw`).toString("base64")}` });
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth("admin")) => {
    const response = await fetch(`${server.url}/api/v1${path}`, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    db = await backend.open();
    // Two users (password hashing is deliberately slow): a writer and a Viewer.
    for (const [user, role] of [["admin", "Admin"], ["viewer", "Viewer"]]) {
      await db.query("INSERT INTO ab_user (username, role, email, password_hash) VALUES ($1, $2, $3, $4)", [user, role, `${user}@example.com`, await hashPassword(`${user}-pw`)]);
    }
    process.env.UPDRAFT_LINEAGE_API_KEY = "producer-key";
    const app = express();
    app.use("/api/v1", restApiRouter(db, { onChange: () => {} }));
    app.use("/", uiRouter(db, { onChange: () => {} }));
    server = await listen(app, 0);
    // orders → [etl.load] → revenue → [ml.train] → churn model; customers → [etl.load]
    const posts = [
      event("etl.extract", [ds("s3-raw", "s3://raw")], [ds("shop.public.orders")], "COMPLETE", task("etl", "extract")),
      event("etl.load", [{ ...ds("shop.public.orders"), inputFacets: { dataQualityMetrics: dataQualityMetricsFacet({ rowCount: 3, columnMetrics: { id: { nullCount: 0 } } }) } }, ds("shop.public.customers")],
        [{ ...ds("shop.public.revenue"), facets: { schema: schemaFacet([{ name: "day", type: "date" }, { name: "total", type: "numeric" }]) } }], "COMPLETE", task("etl", "load")),
      event("ml.train", [ds("shop.public.revenue")], [{ ...ds("churn", "mlflow://models"), facets: { datasetType: datasetTypeFacet("MODEL") } }], "COMPLETE", task("ml", "train")),
      event("ml.train", [], [], "START", task("ml", "train")),
    ];
    for (const e of posts) expect((await api("POST", "/lineage", e, { authorization: "Bearer producer-key" })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("answers GET /lineage with Marquez's graph around a node, as deep as asked", async () => {
    const start = node("dataset", ds("shop.public.orders"));
    const deep = await api("GET", `/lineage?nodeId=${encodeURIComponent(start)}&depth=5`);
    expect(deep.status).toBe(200);
    const ids = deep.body.graph.map((g: { id: string }) => g.id).sort();
    expect(ids).toEqual([
      "dataset:mlflow://models:churn", "dataset:postgres://wh:5432:shop.public.customers", "dataset:postgres://wh:5432:shop.public.orders",
      "dataset:postgres://wh:5432:shop.public.revenue", "dataset:s3://raw:s3-raw", "job:prod:etl.extract", "job:prod:etl.load", "job:prod:ml.train",
    ]);
    const load = deep.body.graph.find((g: { id: string }) => g.id === "job:prod:etl.load");
    expect(load).toMatchObject({ type: "JOB", data: { namespace: "prod", name: "etl.load", latestRun: { state: "COMPLETED" } } });
    expect(load.inEdges.map((e: { origin: string }) => e.origin).sort()).toEqual([node("dataset", ds("shop.public.customers")), start]);
    expect(load.outEdges).toEqual([{ origin: "job:prod:etl.load", destination: node("dataset", ds("shop.public.revenue")) }]);
    const shallow = await api("GET", `/lineage?nodeId=${encodeURIComponent(start)}&depth=1`);
    expect(shallow.body.graph.map((g: { id: string }) => g.id)).not.toContain("job:prod:ml.train");
    expect((await api("GET", "/lineage?nodeId=dataset:nowhere:x")).status).toBe(404);
    expect((await api("GET", `/lineage?nodeId=${encodeURIComponent(start)}&depth=-1`)).status).toBe(400);
    expect((await api("GET", "/lineage?nodeId=table-orders")).body.detail).toMatch(/dataset:<namespace>:<name>/);
  });

  it("lists namespaces, jobs and datasets, with the facets the events carried", async () => {
    expect((await api("GET", "/namespaces")).body.namespaces.map((x: { name: string }) => x.name)).toEqual(["mlflow://models", PG, "prod", "s3://raw"]);
    const jobs = await api("GET", "/namespaces/prod/jobs");
    expect(jobs.body.totalCount).toBe(3);
    expect((await api("GET", "/jobs?limit=1")).body).toMatchObject({ totalCount: 3, jobs: [{ name: "etl.extract" }] });
    expect((await api("GET", "/namespaces/prod/jobs/ml.train")).body.latestRun.state).toBe("RUNNING");
    const revenue = await api("GET", `/namespaces/${encodeURIComponent(PG)}/datasets/shop.public.revenue`);
    expect(revenue.body.fields).toEqual([{ name: "day", type: "date", description: null, tags: [] }, { name: "total", type: "numeric", description: null, tags: [] }]);
    expect((await api("GET", `/namespaces/${encodeURIComponent(PG)}/datasets`)).body.totalCount).toBe(3);
  });

  it("refuses an event that is not valid OpenLineage, and stores nothing of it", async () => {
    const bad = { ...event("bad.job", [], []), run: { runId: "not-a-uuid" } };
    const answer = await api("POST", "/lineage", bad);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/runId must match format "uuid"/);
    const badFacet = event("bad.job", [], []);
    badFacet.run.facets = { errorMessage: { _producer: PRODUCER, _schemaURL: "https://x/y" } };
    expect((await api("POST", "/lineage", badFacet)).body.detail).toMatch(/errorMessage.*message/);
    expect((await db.query("SELECT 1 FROM lineage_job WHERE name = 'bad.job'")).rows).toEqual([]);
  });

  it("needs credentials, a writer's role to post, and leaves Airflow's API and its 404s as they were", async () => {
    expect((await api("POST", "/lineage", event("x", [], []), {})).status).toBe(401);
    expect((await api("POST", "/lineage", event("x", [], []), { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await api("POST", "/lineage", event("x", [], []), auth("viewer"))).status).toBe(403);
    expect((await api("GET", "/namespaces", undefined, auth("viewer"))).status).toBe(200);
    expect((await api("GET", "/datasets")).body).toMatchObject({ datasets: [], total_entries: 0 });
    const missing = await api("GET", "/namespaces/prod/nothing-here");
    expect(missing).toMatchObject({ status: 404, body: { detail: expect.stringContaining("No such endpoint in this API") } });
  });

  it("shows what is downstream of a dataset: DAGs, tasks, datasets and models", async () => {
    const impact = await api("GET", `/lineage/impact?nodeId=${encodeURIComponent(node("dataset", ds("shop.public.orders")))}`);
    expect(impact.body).toEqual({
      dataset: ds("shop.public.orders"),
      dags: [{ dagId: "etl", tasks: ["load"] }, { dagId: "ml", tasks: ["train"] }],
      otherJobs: [],
      datasets: [ds("churn", "mlflow://models"), ds("shop.public.revenue")],
      models: [ds("churn", "mlflow://models")],
    });
  });

  it("propagates a classification downstream through lineage, and only a user tag can be removed", async () => {
    const tagPath = `/namespaces/${encodeURIComponent(PG)}/datasets/shop.public.customers/tags`;
    expect((await api("POST", `${tagPath}/Secret`)).body.detail).toMatch(/use one of PII, Confidential, Public/);
    expect((await api("POST", `${tagPath}/PII`, undefined, auth("viewer"))).status).toBe(403);
    expect((await api("POST", `${tagPath}/PII`)).status).toBe(201);
    const revenue = await api("GET", `/namespaces/${encodeURIComponent(PG)}/datasets/shop.public.revenue`);
    expect(revenue.body.tags).toEqual(["PII"]);
    expect(revenue.body.classifications).toEqual([{ tag: "PII", source: "propagated", origin: ds("shop.public.customers") }]);
    expect((await api("GET", "/namespaces/mlflow%3A%2F%2Fmodels/datasets/churn")).body.tags).toEqual(["PII"]);
    expect((await api("GET", `/namespaces/${encodeURIComponent(PG)}/datasets/shop.public.orders`)).body.tags).toEqual([]);
    expect(await materializePropagatedTags(db, await LineageGraph.load(db))).toBe(2);
    expect((await api("DELETE", `/namespaces/${encodeURIComponent(PG)}/datasets/shop.public.revenue/tags/PII`)).status).toBe(404);
    expect((await api("DELETE", `${tagPath}/PII`)).status).toBe(204);
    expect((await api("GET", `/namespaces/${encodeURIComponent(PG)}/datasets/shop.public.revenue`)).body.tags).toEqual([]);
    await api("POST", `${tagPath}/PII`);
  });

  it("draws the lineage page: the graph data, the impact of a dataset and its classification", async () => {
    const ui = new UiClient(server.url);
    await ui.login("admin", "admin-pw");
    const index = await ui.get("/lineage");
    expect(index.status).toBe(200);
    expect(index.text).toContain(`href="/lineage?nodeId=${encodeURIComponent(node("dataset", ds("shop.public.orders")))}"`);
    const page = await ui.get(`/lineage?nodeId=${encodeURIComponent(node("dataset", ds("shop.public.customers")))}`);
    expect(page.status).toBe(200);
    const graph = JSON.parse(/<script type="application\/json" id="lineage-data">(.*?)<\/script>/s.exec(page.text)![1]);
    expect(graph.edges).toContainEqual({ from: node("dataset", ds("shop.public.customers")), to: "job:prod:etl.load" });
    expect(graph.nodes.find((x: { id: string }) => x.id === node("dataset", ds("shop.public.revenue"))).tags).toEqual(["PII"]);
    expect(page.text).toMatch(/<ul class="impact-dags"><li><a href="\/dags\/etl\/grid">etl<\/a>: <code>load<\/code> <\/li><li><a href="\/dags\/ml\/grid">ml<\/a>/);
    expect(page.text).toMatch(/<ul class="impact-models"><li><code>mlflow:\/\/models<\/code> churn<\/li>/);
    expect(page.text).toContain('<span class="tag tag-PII">PII</span>');
    expect((await ui.get("/lineage?nodeId=dataset:none:x")).status).toBe(404);
  });
});

describe("node ids, retention and access review", () => {
  it("splits Marquez node ids whose namespace is a URI", () => {
    expect(parseNodeId("dataset:postgres://h:5432:db.s.t")).toEqual({ kind: "dataset", namespace: "postgres://h:5432", name: "db.s.t" });
    expect(parseNodeId("dataset:file:/tmp/a:b.csv")).toEqual({ kind: "dataset", namespace: "file", name: "/tmp/a:b.csv" });
    expect(parseNodeId("job:prod:etl.load")).toEqual({ kind: "job", namespace: "prod", name: "etl.load" });
    expect(parseNodeId("table:x")).toBeNull();
  });

  it("deletes files past the retention period (or lists them in a dry run), and refuses a bad policy", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-retention-"));
    try {
      const now = new Date("2024-06-01T00:00:00Z");
      for (const [name, days] of [["old.csv", 40], ["new.csv", 1], ["old.log", 40]] as const) {
        await writeFile(join(dir, name), "x");
        const at = new Date(now.getTime() - days * 86_400_000);
        await utimes(join(dir, name), at, at);
      }
      const dry = await applyRetention({ path: dir, maxAgeDays: 30, pattern: /\.csv$/, dryRun: true }, now);
      expect({ expired: dry.expired.map((f) => f.path), kept: dry.kept, deleted: dry.deleted }).toEqual({ expired: [join(dir, "old.csv")], kept: 1, deleted: false });
      expect((await readdir(dir)).sort()).toEqual(["new.csv", "old.csv", "old.log"]);
      await applyRetention({ path: dir, maxAgeDays: 30 }, now);
      expect(await readdir(dir)).toEqual(["new.csv"]);
      await expect(applyRetention({ path: join(dir, "missing"), maxAgeDays: 1 })).rejects.toThrow(RetentionPolicyError);
      await expect(applyRetention({ path: dir, maxAgeDays: -1 })).rejects.toThrow(/maxAgeDays/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports admins, stale and never-used accounts, and the owners of DAGs handling PII", () => {
    const review = buildAccessReview({
      users: [
        { username: "root", roles: ["Admin"], active: true, lastLogin: "2024-05-30T00:00:00Z" },
        { username: "old", roles: ["User"], active: true, lastLogin: "2023-01-01T00:00:00Z" },
        { username: "ghost", roles: ["Viewer"], active: true, lastLogin: null },
        { username: "gone", roles: ["Op"], active: false, lastLogin: null },
      ],
      dagOwners: { etl: ["data-eng"] },
      datasets: [{ namespace: PG, name: "shop.public.customers", tags: ["PII"], dags: ["etl"] }, { namespace: PG, name: "pub", tags: ["Public"], dags: ["etl"] }],
    }, new Date("2024-06-01T00:00:00Z"));
    expect(review.findings).toEqual([
      "user root has the Admin role: confirm it is still needed",
      "user old active but has not logged in for over 90 days",
      "user ghost active but never logged in: remove or deactivate",
      `PII data ${PG}/shop.public.customers is handled by DAG(s) etl (owners: data-eng)`,
    ]);
    expect(review.sensitiveData).toHaveLength(1);
  });
});
