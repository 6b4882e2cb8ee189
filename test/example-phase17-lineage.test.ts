import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import type { RunEvent } from "../lineage/types.ts";
import { listen, type RunningServer } from "../webserver/app.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import express from "express";
import { updraft } from "./helpers/cli.ts";
import { BACKENDS, POSTGRES_REACHABLE } from "./helpers/databases.ts";

// PostgreSQL where there is one (a PGlite's first template costs seconds); the store itself is covered on both in lineage-service.test.ts.
const backend = BACKENDS.find((b) => b.name === "postgres" && POSTGRES_REACHABLE) ?? BACKENDS[0];

describe(`phase17 examples: OpenLineage, catalog, governance [${backend.name}]`, () => {
  let db: Database;
  let server: RunningServer;
  let data: string;
  // phase17_02 needs nothing from the others: it runs beside them, against its own receiver.
  let catalogRun: Promise<{ result: Awaited<ReturnType<typeof dagsTestWith>>; received: Awaited<ReturnType<typeof startReceiver>>["received"] }>;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  const env = () => ({ UPDRAFT_PHASE17_DATA: data, UPDRAFT_CONN_UPDRAFT_API: `http://admin:admin-pw@127.0.0.1:${server.port}` });

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), "updraft-phase17-"));
    receiver = await startReceiver();
    const r = receiver;
    catalogRun = dagsTestWith("phase17_02_data_catalog", { UPDRAFT_PHASE17_DATA: data, UPDRAFT_CONN_DATAHUB_DEFAULT: `http://:gms-token@127.0.0.1:${r.port}` }).then((result) => ({ result, received: r.received }));
    catalogRun.catch(() => {});
    db = await backend.open();
    await db.query("INSERT INTO ab_user (username, role, email, password_hash) VALUES ('admin', 'Admin', 'a@example.com', $1)", [await hashPassword("admin-pw")]);
    process.env.UPDRAFT_LINEAGE_API_KEY = "phase17-key";
    const app = express();
    app.use("/api/v1", restApiRouter(db, { onChange: () => {} }));
    server = await listen(app, 0);
  }, 120_000);
  afterAll(async () => {
    await catalogRun?.catch(() => {});
    await receiver?.close();
    await server?.close();
    await db?.close();
    if (data) await rm(data, { recursive: true, force: true });
  });

  it("phase17_01_openlineage sends every task's events to Updraft's lineage API, with the profiler's schema and metrics", async () => {
    const result = await dagsTestWith("phase17_01_openlineage", { ...env(), UPDRAFT_OPENLINEAGE_URL: server.url, UPDRAFT_OPENLINEAGE_API_KEY: "phase17-key" });
    expect(result.states).toEqual({ extract_orders: "success", profile_orders: "success", publish_report: "success" });
    expect(result.stderr).not.toMatch(/dropped/);
    // The API validated each event against the official schemas before storing it.
    const { rows } = await db.query<{ job_name: string; event_type: string; event: RunEvent }>("SELECT job_name, event_type, event FROM lineage_event ORDER BY id");
    expect(rows.map((r) => `${r.job_name} ${r.event_type}`).sort()).toEqual([
      "phase17_01_openlineage COMPLETE", "phase17_01_openlineage START",
      "phase17_01_openlineage.extract_orders COMPLETE", "phase17_01_openlineage.extract_orders START",
      "phase17_01_openlineage.profile_orders COMPLETE", "phase17_01_openlineage.profile_orders START",
      "phase17_01_openlineage.publish_report COMPLETE", "phase17_01_openlineage.publish_report START",
    ]);
    const profiled = rows.find((r) => r.job_name.endsWith("profile_orders") && r.event_type === "COMPLETE")!.event;
    expect(profiled.inputs[0]).toMatchObject({
      namespace: "file", name: join(data, "raw_orders.csv"),
      facets: { schema: { fields: [{ name: "order_id", type: "number" }, { name: "customer_email", type: "string" }, { name: "amount", type: "number" }] } },
      inputFacets: { dataQualityMetrics: { rowCount: 3, columnMetrics: { customer_email: { nullCount: 1, distinctCount: 2 }, amount: { min: 42, max: 120 } } } },
    });
    expect(profiled.outputs).toEqual([expect.objectContaining({ namespace: "file", name: join(data, "orders_profile.json") })]);
  });

  it("phase17_03_governance_workflows classifies the source PII, applies retention and reviews access", async () => {
    const result = await dagsTestWith("phase17_03_governance_workflows", env());
    expect(result.states).toEqual({ archive_exports: "success", apply_retention: "success", classify_sources: "success", access_review: "success" });
    const review = JSON.parse(await readFile(join(data, "access_review.json"), "utf8"));
    // PII set on raw_orders.csv reached what phase17_01 made from it, through lineage.
    expect(review.sensitiveData.map((d: { name: string; tags: string[]; dags: string[] }) => [d.name, d.tags, d.dags])).toEqual([
      [join(data, "orders_profile.json"), ["PII"], ["phase17_01_openlineage"]],
      [join(data, "orders_report.json"), ["PII"], ["phase17_01_openlineage"]],
      [join(data, "raw_orders.csv"), ["PII"], ["phase17_01_openlineage"]],
    ]);
    expect(review.findings).toContain("user admin has the Admin role: confirm it is still needed");
    // Retention: the 45- and 400-day-old exports are gone, the 2-day-old one kept.
    expect(await readdir(join(data, "archive"))).toEqual(["orders_export_2d.csv"]);
  });

  it("phase17_02_data_catalog publishes schema, owners, tags and description to a DataHub-style endpoint", async () => {
    const { result, received } = await catalogRun;
    expect(result.states).toEqual({ write_customers: "success", describe_datasets: "success", publish_to_catalog: "success" });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ url: "/entities?action=ingest", protocol: "2.0.0", auth: "Bearer gms-token" });
    const snapshot = received[0].body.entity.value["com.linkedin.metadata.snapshot.DatasetSnapshot"];
    expect(snapshot.urn).toBe(`urn:li:dataset:(urn:li:dataPlatform:file,${join(data, "customers.csv")},PROD)`);
    const aspects = Object.assign({}, ...snapshot.aspects);
    expect(aspects["com.linkedin.common.Ownership"].owners).toEqual([{ owner: "urn:li:corpuser:crm-team", type: "DATAOWNER" }, { owner: "urn:li:corpuser:ann", type: "DATAOWNER" }]);
    expect(aspects["com.linkedin.common.GlobalTags"]).toEqual({ tags: [{ tag: "urn:li:tag:PII" }] });
    expect(aspects["com.linkedin.dataset.DatasetProperties"].description).toMatch(/Customers who signed up/);
    expect(aspects["com.linkedin.schema.SchemaMetadata"].fields.map((f: { fieldPath: string; type: { type: object } }) => [f.fieldPath, Object.keys(f.type.type)[0]])).toEqual([
      ["customer_id", "com.linkedin.schema.NumberType"], ["email", "com.linkedin.schema.StringType"], ["country", "com.linkedin.schema.StringType"], ["signup_date", "com.linkedin.schema.DateType"],
    ]);
  });
});

async function dagsTestWith(dagId: string, env: Record<string, string>) {
  const result = await updraft(["dags", "test", dagId, "2024-01-03", "-o", "json"], { env });
  let parsed: { task_instances: Array<{ task_id: string; state: string }> };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`dags test ${dagId} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { ...result, states: Object.fromEntries(parsed.task_instances.map((t) => [t.task_id, t.state])) };
}

/** A DataHub-style ingest endpoint that records what it receives. */
async function startReceiver() {
  const received: Array<{ url: string; protocol: string | undefined; auth: string | undefined; body: any }> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", protocol: req.headers["x-restli-protocol-version"] as string | undefined, auth: req.headers.authorization, body: JSON.parse(body) });
      res.writeHead(200, { "content-type": "application/json" }).end('{"value": "ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { received, port, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
