import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDag } from "updraft/testing";
import metricsMonitoring from "../dags/phase12/01_metrics_monitoring.ts";
import healthChecks from "../dags/phase12/03_health_checks.ts";
import { dagsTest } from "./helpers/cli.ts";
import { freePort } from "./helpers/free-port.ts";

/** The phase12 examples under `updraft dags test`, then their logic against local endpoints and injected faults. */
// The three processes run at once: each spends most of its time starting (tsx, the DAGs folder), little running.
describe("phase12 examples under dags test", () => {
  it.concurrent.each([
    ["phase12_01_metrics_monitoring", ["processBatch", "scrapeUpdraft", "evaluateAlerts"]],
    ["phase12_02_logging_tracing", ["extractRows", "enrichRows", "verifyTrace"]],
    ["phase12_03_health_checks", ["checkDisk", "checkSpool", "checkLock", "checkUpdraft", "escalate"]],
  ])("%s succeeds", async (dagId, tasks) => {
    const result = await dagsTest(dagId);
    expect(result.code, result.stderr).toBe(0);
    expect(result.run.state).toBe("success");
    expect(result.states).toEqual(Object.fromEntries(tasks.map((t) => [t, "success"])));
  });
});

let server: Server;
let serverUrl: string;
let metricsBody = "";
let healthBody: unknown = {};
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/metrics") res.writeHead(200, { "content-type": "text/plain" }).end(metricsBody);
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(healthBody));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server?.close());

function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  return work().finally(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });
}

describe("phase12_01_metrics_monitoring", () => {
  it("fires the reject-ratio warning from the batch's metrics and reports Updraft's rules without data when no URL is set", async () => {
    const run = await withEnv({ UPDRAFT_METRICS_URL: undefined }, () => runDag(metricsMonitoring));
    const alerts = run.returnValue("evaluateAlerts") as Array<{ rule: string; state: string; value: number | null }>;
    expect(Object.fromEntries(alerts.map((a) => [a.rule, a.state]))).toEqual({ HighRejectRatio: "firing", SlowRows: "ok", DagImportErrors: "no_data", ExecutorSaturated: "no_data" });
    expect(alerts[0].value).toBeCloseTo(2 / 25);
  });

  it("reads Updraft's Airflow-named metrics from UPDRAFT_METRICS_URL", async () => {
    metricsBody = "# HELP airflow_dag_processing_import_errors x\nairflow_dag_processing_import_errors 2\nairflow_executor_open_slots 0\n";
    const run = await withEnv({ UPDRAFT_METRICS_URL: `${serverUrl}/metrics` }, () => runDag(metricsMonitoring));
    const alerts = run.returnValue("evaluateAlerts") as Array<{ rule: string; state: string; value: number | null }>;
    expect(alerts.find((a) => a.rule === "DagImportErrors")).toMatchObject({ state: "firing", value: 2 });
    expect(alerts.find((a) => a.rule === "ExecutorSaturated")).toMatchObject({ state: "firing", value: 0 });
  });

  it("fails the scrape with the URL and what to do when the endpoint is down", async () => {
    const url = `http://127.0.0.1:${await freePort()}/metrics`;
    const run = await withEnv({ UPDRAFT_METRICS_URL: url }, () => runDag(metricsMonitoring));
    expect(run.states).toMatchObject({ scrapeUpdraft: "failed", evaluateAlerts: "upstream_failed" });
    expect(run.logs.join("\n")).toContain(`Could not scrape ${url}`);
  });
});

describe("phase12_03_health_checks", () => {
  let state: string;
  beforeAll(async () => {
    state = await mkdtemp(join(tmpdir(), "phase12-health-"));
  });
  afterAll(() => rm(state, { recursive: true, force: true }));

  it("heals what it can (creates the spool, removes a dead process's lock), then escalates an unhealthy Updraft on the third run in a row", async () => {
    await writeFile(join(state, "ingest.lock"), "999999999");
    healthBody = { metadatabase: { status: "healthy" }, scheduler: { status: "unhealthy" }, triggerer: { status: null } };
    const env = { UPDRAFT_PHASE12_STATE_DIR: state, UPDRAFT_HEALTH_URL: `${serverUrl}/health` };
    const first = await withEnv(env, () => runDag(healthChecks));
    expect(first.returnValue("checkSpool")).toMatchObject({ status: "healed", actions: [`created ${join(state, "spool")}`] });
    expect(first.returnValue("checkLock")).toMatchObject({ status: "healed" });
    expect(first.returnValue("checkUpdraft")).toMatchObject({ status: "failing", detail: "unhealthy: scheduler" });
    expect(first.returnValue("escalate")).toMatchObject({ failures: { updraft: 1, spool_dir: 0, ingest_lock: 0 } });

    expect((await withEnv(env, () => runDag(healthChecks))).states.escalate).toBe("success");
    const third = await withEnv(env, () => runDag(healthChecks));
    expect(third.states.escalate).toBe("failed");
    expect(third.logs.join("\n")).toContain("Escalated after 3 failing runs in a row: updraft (unhealthy: scheduler)");
    const incidents = (await readFile(join(state, "incidents.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(incidents).toEqual([expect.objectContaining({ component: "updraft", failures: 3 })]);

    // Updraft recovers: the count resets and nothing more is escalated.
    healthBody = { metadatabase: { status: "healthy" }, scheduler: { status: "healthy" } };
    const fourth = await withEnv(env, () => runDag(healthChecks));
    expect(fourth.returnValue("escalate")).toMatchObject({ statuses: { updraft: "healthy" }, failures: { updraft: 0 } });
  });
});
