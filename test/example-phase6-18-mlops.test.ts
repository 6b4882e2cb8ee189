import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { updraft } from "./helpers/cli.ts";
import { freePort } from "./helpers/free-port.ts";

const WORK = join(tmpdir(), "updraft-phase18");

/** `dags test` in text form (task logs show what the tasks found) and the final states from its table. */
async function dagsTestText(dagId: string, env: Record<string, string> = {}, args: string[] = []) {
  const result = await updraft(["dags", "test", dagId, "2024-01-03", ...args], { env });
  expect(result.stdout, result.stderr).toContain(`of ${dagId}: success`);
  const states = Object.fromEntries([...result.stdout.matchAll(/^(\w+)\s+\|\s+-1\s+\|\s+(\w+)\s+\|/gm)].map((m) => [m[1], m[2]]));
  return { stdout: result.stdout, states };
}

// The DAGs run as separate processes; concurrently, they share the two cores instead of queueing.
// phase6_02's registration against a real MLflow is left to a suite that already runs a tracking server
// (test/mlflow-pack.test.ts starts one for phase6_01): starting another here costs ~10 s of CPU.
describe.concurrent("phase6_02 and phase18 MLOps examples under `updraft dags test`", () => {
  it("phase6_02 validates, trains and evaluates a real model, and skips registration saying how to start MLflow", async () => {
    const port = await freePort();
    const { stdout, states } = await dagsTestText("phase6_02_complete_ml_pipeline", { UPDRAFT_CONN_MLFLOW_DEFAULT: `http://127.0.0.1:${port}` });
    expect(stdout).toMatch(/validate \| Suite "raw_customers" on file:\/\/.*customers\.csv: 7\/7 expectations passed\./);
    const auc = Number(/evaluate \| Test set: accuracy [\d.]+, AUC ([\d.]+)/.exec(stdout)?.[1]);
    expect(auc).toBeGreaterThan(0.9);
    expect(stdout).toContain(`register_model | Not registered: MLflow tracking server at http://127.0.0.1:${port} is unreachable (ECONNREFUSED): start one with "mlflow server`);
    expect(states).toEqual({ ingest: "success", validate: "success", build_features: "success", train_model: "success", evaluate: "success", register_model: "skipped" });
    const model = JSON.parse(await readFile(join(WORK, "phase6", "2024-01-03", "model.json"), "utf8"));
    expect(model.features).toEqual(["tenure_months", "monthly_charges", "support_calls", "charges_per_tenure", "calls_per_year"]);
  }, 60_000);

  it("phase18_01 builds point-in-time training data and serves, pushes and freshness-checks online features", async () => {
    const { stdout, states } = await dagsTestText("phase18_01_feature_store");
    expect(stdout).toContain("build_training_set | Joined 3 features onto 32 entity rows point-in-time (2 rows with a missing feature).");
    expect(stdout).toContain("customer 1 @ 2024-01-02T12:00:00Z has support_calls=9 (the corrected snapshot); no features for 2@2023-12-20T00:00:00Z, 3@2024-01-12T00:00:00Z");
    expect(stdout).toContain("wait_for_fresh_features | All 3 features fresh for 3 entities.");
    expect(stdout).toContain("read_online_features | Read 4 columns for 3 entity rows (3 values not present).");
    expect(Object.values(states).every((s) => s === "success")).toBe(true);
    expect(Object.keys(states)).toHaveLength(10);
    // Customer 3's label at 2024-01-02T12:00 sees the 2024-01-02 snapshot, not the later one; at 01-12 the TTL expired.
    const csv = async (file: string) => (await readFile(join(WORK, "feature_repo", file), "utf8")).trim().split("\n").map((l) => l.split(","));
    const training = (await csv("training_set_2024-01-03.csv")).filter((r) => r[0] === "3");
    const snapshots = (await csv("customer_stats.csv")).filter((r) => r[0] === "3");
    const onJan2 = snapshots.find((r) => r[1] === "2024-01-02T00:00:00Z")!;
    expect(training).toEqual([
      ["3", "2024-01-02T12:00:00Z", expect.any(String), onJan2[3], onJan2[4], onJan2[5]],
      ["3", "2024-01-12T00:00:00Z", "1", "", "", ""],
    ]);
    expect(snapshots.find((r) => r[1] === "2024-01-03T00:00:00Z")![3]).not.toBe(onJan2[3]);
  }, 120_000); // the feature server's embedded PGlite needs ~6 s of CPU to start

  it("phase18_02 splits traffic between A and B, finds B significantly better and promotes it", async () => {
    const { stdout, states } = await dagsTestText("phase18_02_ab_testing");
    expect(stdout).toMatch(/significance_test \| A [\d.]+% vs B [\d.]+%: z=[\d.]+, p=[\d.e-]+ → churn-b wins/);
    expect(states).toMatchObject({ deploy_b_as_canary: "success", promote_b: "success", keep_a: "skipped", stop_model_server: "success" });
    expect(stdout).toMatch(/promote_b \| .*dry run, nothing was applied to a cluster/);
    const manifest = parse(await readFile(join(WORK, "ab", "2024-01-03", "manifests", "ml", "churn-ab.yaml"), "utf8"));
    expect(manifest.spec.predictor.canaryTrafficPercent).toBeUndefined();
    expect(manifest.spec.predictor.model.storageUri).toBe("s3://models/churn/b");
  }, 60_000);

  it("phase18_03 detects drift, retrains, beats the champion, passes the canary and promotes the challenger", async () => {
    const { stdout, states } = await dagsTestText("phase18_03_auto_retraining");
    expect(stdout).toMatch(/detect_drift \| Drift: 2\/3 columns drifted: monthly_charges .*support_calls .*dataset drift: true/);
    expect(stdout).toMatch(/canary_analysis \| Canary analysis: PROMOTE: canary error rate 0\.0% over 300 requests/);
    expect(states).toMatchObject({ no_drift: "skipped", keep_champion: "skipped", canary_analysis: "success", to_production: "success", stop_model_server: "success" });
    const dir = join(WORK, "retrain", "2024-01-03");
    expect(await readFile(join(dir, "production.json"), "utf8")).toBe(await readFile(join(dir, "challenger.json"), "utf8"));
    const manifest = parse(await readFile(join(dir, "manifests", "ml", "churn.yaml"), "utf8"));
    expect(manifest.spec.predictor).not.toHaveProperty("canaryTrafficPercent");
    expect(manifest.spec.predictor.model.storageUri).toBe("s3://models/churn/challenger-2024-01-03");
  }, 60_000);

  it("phase18_03 rolls the canary back, keeping the champion in production, when the challenger build rejects requests", async () => {
    const work = await mkdtemp(join(tmpdir(), "updraft-phase18-03-"));
    const { stdout, states } = await dagsTestText("phase18_03_auto_retraining", { UPDRAFT_PHASE18_WORK_DIR: work }, ["--conf", '{"canary_fault": "bad_build"}']);
    expect(stdout).toContain("canary_analysis | Canary analysis: ROLLBACK: canary error rate 100.0% > 1.0%");
    expect(stdout).toContain("to_production | Canary rolled back (canary error rate 100.0% > 1.0%): the champion stays in production.");
    expect(states).toMatchObject({ canary_analysis: "success", to_production: "success", stop_model_server: "success" });
    const dir = join(work, "retrain", "2024-01-03");
    expect(await readFile(join(dir, "production.json"), "utf8")).toBe(await readFile(join(dir, "champion.json"), "utf8"));
    expect(parse(await readFile(join(dir, "manifests", "ml", "churn.yaml"), "utf8")).spec.predictor.canaryTrafficPercent).toBe(0);
  }, 60_000);
});
