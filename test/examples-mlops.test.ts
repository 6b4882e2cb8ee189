import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import express from "express";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import type { Database } from "../core/store/database.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { RunEvent } from "../lineage/types.ts";
import { validateRunEvent } from "../lineage/validate.ts";
import { MlflowHook } from "updraft/providers/mlflow";
import { listen, type RunningServer } from "../webserver/app.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { generateCustomers, CUSTOMER_COLUMNS } from "../examples/churn-pipeline/generate-data.ts";
import { generateCustomers as generateFairnessSample, COLUMNS as FAIRNESS_COLUMNS } from "../examples/fairness-model-card/generate-data.ts";
import { generateExport, COLUMNS as EXPORT_COLUMNS } from "../examples/lineage-trace/generate-data.ts";
import { checkoutManifests, commitAndPush, git } from "../examples/gitops-promotion/lib/git.ts";
import { MANIFEST_PATH, renderInferenceService, deployedRelease } from "../examples/gitops-promotion/lib/manifest.ts";
import { promotionGate } from "../examples/gitops-promotion/lib/promotion-gate.ts";
import { toCsv } from "../examples/shared/csv.ts";
import { REPO_ROOT, updraft } from "./helpers/cli.ts";
import { BACKENDS, POSTGRES_REACHABLE, POSTGRES_URL } from "./helpers/databases.ts";
import { MLFLOW_AVAILABLE, startMlflowServer, type MlflowServer } from "./helpers/mlflow-server.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const examples = join(REPO_ROOT, "examples");
// Set before the lineage harness loads the DAG files: dataset URIs name files under it, in this process and the runners.
const LINEAGE_DATA = mkdtempSync(join(tmpdir(), "updraft-examples-lineage-"));
process.env.UPDRAFT_EXAMPLES_DATA = LINEAGE_DATA;
process.env.UPDRAFT_LINEAGE_API_KEY = "examples-lineage-key";
// lineage_publish_scores loads the predictions into PostgreSQL (table public.churn_scores) where there is one.
if (POSTGRES_REACHABLE) process.env.UPDRAFT_CONN_WAREHOUSE = POSTGRES_URL;

// PostgreSQL where there is one (a PGlite's first template costs seconds); the lineage store runs on both in lineage-service.test.ts.
const backend = BACKENDS.find((b) => b.name === "postgres" && POSTGRES_REACHABLE) ?? BACKENDS[0];

const scratch: string[] = [LINEAGE_DATA];
async function workDir(name: string) {
  const dir = await mkdtemp(join(tmpdir(), `updraft-examples-${name}-`));
  scratch.push(dir);
  return dir;
}
/**
 * `dags test` of an example's DAG in the example's folder, writing under `data` (no MLflow unless given), in text
 * form so the task log lines are there: the output, the run's state and each task's state from the summary table.
 */
async function runExample(example: string, dagId: string, data: string, options: { conf?: object; env?: Record<string, string> } = {}) {
  const result = await updraft(["dags", "test", dagId, "2024-01-03", ...(options.conf ? ["--conf", JSON.stringify(options.conf)] : [])], {
    env: { UPDRAFT_DAGS_FOLDER: join(examples, example, "dags"), UPDRAFT_EXAMPLES_DATA: data, MLFLOW_TRACKING_URI: "", ...options.env },
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const runState = new RegExp(`DagRun \\S+ of ${dagId}: (\\w+)`).exec(output)?.[1];
  if (!runState) throw new Error(`dags test ${dagId} printed no run summary (exit ${result.code}):\n${output}`);
  const states = Object.fromEntries([...result.stdout.matchAll(/^(\w+)\s*\|\s*-1\s*\|\s*(\w+)\s*\|/gm)].map((m) => [m[1], m[2]]));
  return { output, runState, states };
}
const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));
const sha256 = (content: Buffer | string) => createHash("sha256").update(content).digest("hex");

afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

// The CLI runs are separate processes and the lineage chain runs in this one: all side by side.
describe.concurrent("end-to-end MLOps examples", { timeout: 120_000 }, () => {
  // The slowest first: vitest runs five at a time. Skipped only where no mlflow binary is installed (a developer machine
  // without /opt/updraft-mlflow-venv); under UPDRAFT_REQUIRE_SERVICES=1 (CI) a missing MLflow fails the suite instead.
  it.skipIf(!MLFLOW_AVAILABLE)("churn_pipeline registers in a real MLflow tracking server and moves the version to Production", async () => {
    const server = await startMlflowServer();
    try {
      await registerInMlflow(server);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it(`lineage-trace: dataset-triggered DAGs under a real scheduler [${backend.name}] trace the predictions back to the CRM export`, async () => {
    const db = await backend.open();
    const bag = await DagBag.load(join(examples, "lineage-trace", "dags"));
    expect(bag.importErrors).toEqual([]);
    const harness = await startHarness(db, [...bag.dags.values()], { pollIntervalMs: 200 });
    const app = express();
    app.use("/api/v1", restApiRouter(db, { onChange: () => {} }));
    const api = await listen(app, 0);
    try {
      await traceLineage(db, harness, api);
    } finally {
      await api.close();
      await harness.stop();
      await db.close();
    }
  }, 120_000);

  it("gitops_promote commits the manifest naming the version; gitops_rollback reverts it", async () => {
    const data = await workDir("gitops");
    const remote = join(data, "gitops-promotion", "deployments.git");
    // An earlier promotion of v1, as the same library commits it.
    const seed = await checkoutManifests(remote, join(data, "seed-checkout"));
    const v1 = { model: "churn-model", version: "1", storageUri: "s3://mlflow-artifacts/churn-model/1/model", modelFormat: "sklearn", metrics: { auc: 0.812 } };
    await mkdir(join(seed, dirname(MANIFEST_PATH)), { recursive: true });
    await writeFile(join(seed, MANIFEST_PATH), renderInferenceService(v1));
    await commitAndPush(seed, [MANIFEST_PATH], "Promote churn-model v1 (auc 0.812)");

    const promoted = await runExample("gitops-promotion", "gitops_promote", data, { conf: { version: "2" } });
    expect(promoted.states, promoted.output).toEqual({ load_candidate: "success", read_deployed: "success", promotion_gate: "success", commit_manifest: "success" });
    const show = (ref: string) => git(remote, "show", `${ref}:${MANIFEST_PATH}`);
    expect(await git(remote, "log", "-1", "--format=%s", "main")).toBe("Promote churn-model v2 (auc 0.861, replaces v1)");
    expect(deployedRelease(await show("main"))).toEqual({ version: "2", metrics: { auc: 0.861, accuracy: 0.804 } });
    expect(await show("main")).toContain("storageUri: s3://mlflow-artifacts/churn-model/2/model");

    const rolledBack = await runExample("gitops-promotion", "gitops_rollback", data, { conf: { reason: "error rate doubled" } });
    expect(rolledBack.states).toEqual({ revert_promotion: "success" });
    const [subject, promotion] = [await git(remote, "log", "-1", "--format=%s", "main"), await git(remote, "rev-parse", "main~1")];
    expect(subject).toBe("Roll back v2 to v1: error rate doubled");
    expect(await git(remote, "log", "-1", "--format=%b", "main")).toContain(`This reverts commit ${promotion}`);
    expect(deployedRelease(await show("main"))?.version).toBe("1");
    expect(await git(remote, "rev-list", "--count", "main")).toBe("4"); // start, v1, v2, revert: history is kept
  });

  it("the committed data files are exactly what the generators write", async () => {
    const read = (path: string) => readFile(join(examples, path), "utf8");
    expect(await read("churn-pipeline/data/customers.csv")).toBe(toCsv(CUSTOMER_COLUMNS, generateCustomers()));
    expect(await read("fairness-model-card/data/customers_fair.csv")).toBe(toCsv(FAIRNESS_COLUMNS, generateFairnessSample("fair")));
    expect(await read("fairness-model-card/data/customers_biased.csv")).toBe(toCsv(FAIRNESS_COLUMNS, generateFairnessSample("biased")));
    expect(await read("lineage-trace/data/crm_export.csv")).toBe(toCsv(EXPORT_COLUMNS, generateExport()));
  });

  it("churn_pipeline versions, validates, trains, evaluates, registers locally without MLflow and deploys", async () => {
    const data = await workDir("churn");
    const result = await runExample("churn-pipeline", "churn_pipeline", data);
    expect(result.states, result.output).toEqual(Object.fromEntries(
      ["ingest", "version_data", "validate_data", "build_features", "train_model", "evaluate_model", "register_model", "deploy_model"].map((t) => [t, "success"])));
    expect(result.output).toMatch(/No MLflow tracking server configured .*LOCAL FILE model registry/);
    const work = join(data, "churn-pipeline");
    // The data version is the content hash of the source, kept content-addressed.
    const source = await readFile(join(examples, "churn-pipeline/data/customers.csv"));
    const pointer = await readJson(join(work, "raw", "customers.csv.version.json"));
    expect(pointer.sha256).toBe(sha256(source));
    expect(sha256(await readFile(pointer.stored))).toBe(pointer.sha256);
    // The registry has version 1 in Production with the holdout metrics; the serving folder has it and its manifest.
    const registry = await readJson(join(work, "registry", "churn_model", "registry.json"));
    expect(registry.versions).toHaveLength(1);
    expect(registry.versions[0]).toMatchObject({ version: "1", stage: "Production", tags: { data_version: pointer.sha256 } });
    const manifest = await readJson(join(work, "serving", "churn_model", "manifest.json"));
    expect(manifest).toMatchObject({ model: "churn_model", version: "1", registry: "local", dataVersion: pointer.sha256 });
    expect(manifest.metrics.auc).toBeGreaterThan(0.85);
    expect(manifest.metrics.accuracy).toBeGreaterThan(0.75);
    const artifact = await readFile(manifest.artifact);
    expect(sha256(artifact)).toBe(manifest.artifactSha256);
    const model = JSON.parse(artifact.toString());
    expect(model).toMatchObject({ kind: "logistic_regression", features: expect.arrayContaining(["support_tickets", "plan_premium"]) });
    // More support tickets, more churn; longer tenure, less (the generator's truth).
    expect(model.weights[model.features.indexOf("support_tickets")]).toBeGreaterThan(0);
    expect(model.weights[model.features.indexOf("tenure_months")]).toBeLessThan(0);
  });

  it("churn_pipeline stops at the quality gate on a bad extract, and registers nothing", async () => {
    const data = await workDir("churn-bad");
    const rows = generateCustomers(200, 5);
    rows[3] = { ...rows[3], age: 212 };
    rows[7] = { ...rows[7], plan: "gold" };
    rows[9] = { ...rows[9], customer_id: rows[8].customer_id };
    const bad = join(data, "bad_customers.csv");
    await writeFile(bad, toCsv(CUSTOMER_COLUMNS, rows));
    const result = await runExample("churn-pipeline", "churn_pipeline", data, { conf: { source_path: bad } });
    expect(result.runState).toBe("failed");
    expect(result.states).toMatchObject({ version_data: "success", validate_data: "failed", build_features: "upstream_failed", register_model: "upstream_failed" });
    const output = result.output;
    expect(output).toContain("7/10 expectations passed");
    expect(output).toMatch(/expect_column_values_to_be_between on "age": 1 unexpected of 200/);
    expect(output).toMatch(/expect_column_values_to_be_in_set on "plan": 1 unexpected .*"gold"/);
    expect(output).toMatch(/expect_column_values_to_be_unique on "customer_id": 2 unexpected/);
    await expect(readFile(join(data, "churn-pipeline", "registry", "churn_model", "registry.json"))).rejects.toThrow(/ENOENT/);
  });

  it("fairness_model_card passes the gate on the fair sample and writes the card", async () => {
    const data = await workDir("fair");
    const result = await runExample("fairness-model-card", "fairness_model_card", data, { conf: { dataset: "fair" } });
    expect(result.states).toEqual({ train_and_predict: "success", build_model_card: "success", fairness_gate: "success" });
    const card = await readJson(join(data, "fairness-model-card", "2024-01-03", "fair", "model_card.json"));
    expect(card.flags).toEqual([]);
    expect(card.fairness.map((f: { feature: string; slices: unknown[] }) => [f.feature, f.slices.length])).toEqual([["age_group", 3], ["gender", 2]]);
    const html = await readFile(join(data, "fairness-model-card", "2024-01-03", "fair", "model_card.html"), "utf8");
    expect(html).toContain("Customer Churn Predictor");
    expect(html).toContain("over_50");
  });

  it("fairness_model_card fails the gate on the biased sample, naming the disparity, and still writes the card", async () => {
    const data = await workDir("biased");
    const result = await runExample("fairness-model-card", "fairness_model_card", data, { conf: { dataset: "biased" } });
    expect(result.states).toEqual({ train_and_predict: "success", build_model_card: "success", fairness_gate: "failed" });
    expect(result.output).toMatch(/Fairness gate failed \(threshold 0\.1\):\s+age_group: demographic parity difference 0\.\d+ > 0\.1/);
    const card = await readJson(join(data, "fairness-model-card", "2024-01-03", "biased", "model_card.json"));
    const age = card.fairness.find((f: { feature: string }) => f.feature === "age_group");
    const rate = (group: string) => age.slices.find((s: { group: string }) => s.group === group).selectionRate;
    expect(rate("over_50")).toBeGreaterThan(rate("under_30") + 0.2);
    expect(await readFile(join(data, "fairness-model-card", "2024-01-03", "biased", "model_card.html"), "utf8")).toContain("demographic parity");
  });

  it("gitops_promote refuses a candidate under the minimum AUC and commits nothing", async () => {
    const data = await workDir("gitops-reject");
    const result = await runExample("gitops-promotion", "gitops_promote", data, { conf: { version: "3" } });
    expect(result.states).toMatchObject({ promotion_gate: "failed", commit_manifest: "upstream_failed" });
    expect(result.output).toContain("AUC 0.742 of version 3 is below the minimum 0.75");
    const remote = join(data, "gitops-promotion", "deployments.git");
    expect(await git(remote, "log", "--format=%s", "main")).toBe("Start the deployments repository");
  });

});

describe("promotion gate rules", () => {
  const policy = { minAuc: 0.75, maxRegression: 0.01 };
  it("approves a first deployment, a better version and one within the allowed regression; lists every broken rule", () => {
    expect(promotionGate({ version: "2", metrics: { auc: 0.8 } }, null, policy)).toEqual({ approved: true, reasons: [] });
    expect(promotionGate({ version: "2", metrics: { auc: 0.805 } }, { version: "1", metrics: { auc: 0.81 } }, policy).approved).toBe(true);
    expect(promotionGate({ version: "3", metrics: { auc: 0.74 } }, { version: "3", metrics: { auc: 0.9 } }, policy).reasons).toEqual([
      "AUC 0.74 of version 3 is below the minimum 0.75",
      "AUC 0.74 of version 3 is worse than the deployed version 3's 0.9 (allowed regression 0.01)",
      "version 3 is already deployed",
    ]);
    expect(promotionGate({ version: "4", metrics: {} }, null, policy).reasons).toEqual(['version 4 has no "auc" metric']);
  });
});

/** Triggers the first DAG; the others follow on their datasets. Then reads the predictions' upstream from /api/v1/lineage. */
async function traceLineage(db: Database, harness: Harness, api: RunningServer) {
  const run = await triggerDagRun(db, "lineage_ingest_raw", { logicalDate: new Date("2024-01-03T00:00:00Z") });
  harness.scheduler.runsCreated();
  expect(await harness.waitForRun("lineage_ingest_raw", run.run_id)).toBe("success");
  const predictRun = await waitFor("the dataset-triggered lineage_predict run", async () => {
    const { rows } = await db.query<{ run_id: string; run_type: string }>("SELECT run_id, run_type FROM dag_run WHERE dag_id = 'lineage_predict'");
    return rows[0];
  }, 60_000);
  expect(predictRun.run_type).toBe("dataset_triggered");
  expect(await harness.waitForRun("lineage_predict", predictRun.run_id, 60_000)).toBe("success");

  const work = join(LINEAGE_DATA, "lineage-trace");
  const file = (path: string) => `dataset:file:${join(work, path)}`;
  const predictions = file("predictions/churn_predictions.csv");
  // Task events reach the built-in service in the background: wait for the last one.
  await waitFor("the predict task's COMPLETE event", async () => {
    const { rows } = await db.query("SELECT 1 FROM lineage_event WHERE job_name = 'lineage_predict.predict_churn' AND event_type = 'COMPLETE'");
    return rows.length > 0 || undefined;
  });
  const response = await fetch(`${api.url}/api/v1/lineage?nodeId=${encodeURIComponent(predictions)}&depth=20`, { headers: { authorization: "Bearer examples-lineage-key" } });
  expect(response.status).toBe(200);
  const { graph } = (await response.json()) as { graph: Array<{ id: string; type: string; inEdges: Array<{ origin: string }>; data: { facets?: Record<string, unknown> } }> };
  const byId = new Map(graph.map((n) => [n.id, n]));

  /** Every node upstream of `id`, following in-edges only. */
  const upstream = (id: string, seen = new Set<string>()): Set<string> => {
    for (const edge of byId.get(id)?.inEdges ?? []) if (!seen.has(edge.origin)) upstream(edge.origin, seen.add(edge.origin));
    return seen;
  };
  expect([...upstream(predictions)].sort()).toEqual([
    file("cleaned/customers.csv"), file("features/customer_features.json"), file("models/churn_model.json"), file("raw/customers.csv"),
    `dataset:file:${join(examples, "lineage-trace", "data", "crm_export.csv")}`,
    "job:default:lineage_clean.clean_customers", "job:default:lineage_features.build_features", "job:default:lineage_ingest_raw.ingest_crm_export",
    "job:default:lineage_predict.predict_churn", "job:default:lineage_train.train_model",
  ].sort());
  // The chain, step by step: each job reads the previous stage's dataset.
  const inputsOf = (job: string) => byId.get(`job:default:${job}`)!.inEdges.map((e) => e.origin).sort();
  expect(inputsOf("lineage_predict.predict_churn")).toEqual([file("features/customer_features.json"), file("models/churn_model.json")]);
  expect(inputsOf("lineage_train.train_model")).toEqual([file("features/customer_features.json")]);
  expect(inputsOf("lineage_features.build_features")).toEqual([file("cleaned/customers.csv")]);
  expect(inputsOf("lineage_clean.clean_customers")).toEqual([file("raw/customers.csv")]);
  // The operators' own facets: the model is a MODEL dataset, the features table has its schema.
  expect(JSON.stringify(byId.get(file("models/churn_model.json"))!.data)).toContain('"datasetType":"MODEL"');
  expect(JSON.stringify(byId.get(file("features/customer_features.json"))!.data)).toContain("support_tickets");

  if (POSTGRES_REACHABLE) {
    // The warehouse step's SQL, parsed: the table it refreshes, read from the staging table and the predictions file.
    const publish = await waitFor("the dataset-triggered lineage_publish_scores run", async () =>
      (await db.query<{ run_id: string }>("SELECT run_id FROM dag_run WHERE dag_id = 'lineage_publish_scores'")).rows[0], 60_000);
    expect(await harness.waitForRun("lineage_publish_scores", publish.run_id, 60_000)).toBe("success");
    await waitFor("the publish task's COMPLETE event", async () =>
      (await db.query("SELECT 1 FROM lineage_event WHERE job_name = 'lineage_publish_scores.publish_scores' AND event_type = 'COMPLETE'")).rows.length > 0 || undefined);
    const url = new URL(POSTGRES_URL);
    const table = (name: string) => `dataset:postgres://${url.hostname}:${url.port || 5432}:${url.pathname.slice(1)}.public.${name}`;
    const tableGraph = await fetch(`${api.url}/api/v1/lineage?nodeId=${encodeURIComponent(table("churn_scores"))}&depth=20`, { headers: { authorization: "Bearer examples-lineage-key" } });
    expect(tableGraph.status).toBe(200);
    const tableNodes = new Map(((await tableGraph.json()) as { graph: typeof graph }).graph.map((n) => [n.id, n]));
    expect(tableNodes.get(table("churn_scores"))!.inEdges.map((e) => e.origin)).toEqual(["job:default:lineage_publish_scores.publish_scores"]);
    expect(tableNodes.get("job:default:lineage_publish_scores.publish_scores")!.inEdges.map((e) => e.origin).sort()).toEqual([table("churn_scores_staging"), predictions].sort());
    expect(tableNodes.has(`dataset:file:${join(examples, "lineage-trace", "data", "crm_export.csv")}`)).toBe(true);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      expect((await client.query("SELECT count(*)::int AS n FROM public.churn_scores")).rows[0].n).toBe(289);
    } finally {
      await client.end();
    }
  }

  // Every event the service stored is valid OpenLineage.
  const { rows } = await db.query<{ event: RunEvent }>("SELECT event FROM lineage_event WHERE job_name LIKE 'lineage\\_%'");
  expect(rows.length).toBeGreaterThanOrEqual(10);
  for (const { event } of rows) expect(validateRunEvent(event), JSON.stringify(event)).toEqual([]);
}

async function registerInMlflow(server: MlflowServer) {
  const data = await workDir("churn-mlflow");
  const result = await runExample("churn-pipeline", "churn_pipeline", data, { env: { UPDRAFT_CONN_MLFLOW_DEFAULT: server.url } });
  expect(result.states.deploy_model, result.output).toBe("success");
  expect(result.output).not.toMatch(/LOCAL FILE/);
  const hook = new MlflowHook({ trackingUri: server.url });
  const [production] = await hook.getLatestVersions("churn_model", ["Production"]);
  expect(production).toMatchObject({ version: "1", current_stage: "Production" });
  const run = await hook.getRun(production.run_id!);
  expect(run.data.metrics?.find((m) => m.key === "auc")?.value).toBeGreaterThan(0.85);
  expect((await hook.listArtifacts(run.info.artifact_uri, "model")).map((f) => f.path).sort()).toEqual(["MLmodel", "model.json"]);
  const manifest = await readJson(join(data, "churn-pipeline", "serving", "churn_model", "manifest.json"));
  expect(manifest).toMatchObject({ registry: "mlflow", version: "1", registrySource: expect.stringContaining("/model") });
}
