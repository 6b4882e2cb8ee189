/**
 * phase18_03_auto_retraining — drift-triggered retraining with a champion/challenger gate and a canary rollout.
 *
 * Shows: Evidently-style drift tests (`dataDrift` from mlops/drift) comparing the champion's training data with
 * recent labelled production data; a branch that retrains only on drift; the challenger, trained on recent data,
 * compared with the champion on a recent holdout (it must beat the champion's AUC by 0.01); the challenger served
 * next to the champion by the Updraft model server (V2 protocol) started by the DAG, deployed as a 10% KServe canary
 * (`KServeDeployOperator`, dry run without a cluster), then `KServeCanaryAnalysisOperator` sending the holdout to
 * both sides, reading error rate and latency, and promoting (canary removed) or rolling back (canary 0%); finally
 * the promoted challenger becomes the production model file.
 * Run it: `updraft dags test phase18_03_auto_retraining 2024-01-03` (files under $TMPDIR/updraft-phase18/retrain/).
 * See a rollback: `--conf '{"canary_fault": "bad_build"}'` serves a challenger build that expects a feature the
 * callers do not send, so every canary request fails (400) and the canary goes back to 0% of traffic.
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dag, getCurrentContext, param, task } from "updraft";
import { KServeCanaryAnalysisOperator, KServeDeployOperator, spawnModelServer, type CanaryDecision, type InferenceServiceSpec } from "updraft/providers/kserve";
import { dataDrift, stopServerProcess, trainLogisticRegression, type DataDriftReport, type LogisticModel } from "updraft/providers/mlops";
import { currentDs, evaluateModel, featureMatrix, FEATURES, generateCustomers, labels, workDir } from "./lib/churn.ts";

const dir = workDir("retrain", "{{ ds }}");
const SERVICE: InferenceServiceSpec = {
  name: "churn", namespace: "ml", modelFormat: { name: "updraft-logreg", version: "1" }, protocolVersion: "v2",
  storageUri: "s3://models/churn/challenger-{{ ds }}", minReplicas: 1, maxReplicas: 3, deploymentMode: "Knative", enableTagRouting: true,
};
const out = () => workDir("retrain", currentDs());

/** The champion was trained on last quarter's customers; the recent customers pay more and call support more. */
const loadData = task(async function load_data() {
  await mkdir(out(), { recursive: true });
  const reference = generateCustomers(800, 1);
  const champion = trainLogisticRegression([...FEATURES], featureMatrix(reference), labels(reference));
  await writeFile(join(out(), "champion.json"), JSON.stringify(champion));
  await writeFile(join(out(), "production.json"), JSON.stringify(champion));
  return { reference: reference.length };
});

const detectDrift = task(async function detect_drift() {
  const report = dataDrift(generateCustomers(800, 1), generateCustomers(800, 2, 1), { columns: [...FEATURES], driftShare: 0.5 });
  const drifted = report.columns.filter((c) => c.drifted).map((c) => `${c.column} (${c.methodName} ${c.statistic.toPrecision(3)})`);
  getCurrentContext().log.info(`Drift: ${report.numberOfDriftedColumns}/${report.numberOfColumns} columns drifted: ${drifted.join(", ") || "none"}; dataset drift: ${report.datasetDrift}`);
  return report;
});

const routeOnDrift = task.branch(async function route_on_drift(report: DataDriftReport) {
  return report.datasetDrift ? "retrain_challenger" : "no_drift";
});

const noDrift = task(async function no_drift() {
  return { retrained: false };
});

const retrainChallenger = task({ multipleOutputs: true }, async function retrain_challenger() {
  const recent = generateCustomers(1500, 2, 1);
  const challenger = trainLogisticRegression([...FEATURES], featureMatrix(recent), labels(recent));
  await writeFile(join(out(), "challenger.json"), JSON.stringify(challenger));
  const champion = JSON.parse(await readFile(join(out(), "champion.json"), "utf8")) as LogisticModel;
  const holdout = generateCustomers(300, 3, 1);
  const result = { champion: evaluateModel(champion, holdout), challenger: evaluateModel(challenger, holdout), holdout: featureMatrix(holdout) };
  getCurrentContext().log.info(`Recent holdout: champion AUC ${result.champion.auc} accuracy ${result.champion.accuracy}; challenger AUC ${result.challenger.auc} accuracy ${result.challenger.accuracy}`);
  return result;
});

const championVsChallenger = task.branch(async function champion_vs_challenger(champion: { auc: number }, challenger: { auc: number }) {
  return challenger.auc >= champion.auc + 0.01 ? "start_model_server" : "keep_champion";
});

const keepChampion = task(async function keep_champion() {
  return { promoted: false };
});

const startModelServer = task({ multipleOutputs: true }, async function start_model_server() {
  let challenger = join(out(), "challenger.json");
  if (getCurrentContext().params.canary_fault === "bad_build") {
    const model = JSON.parse(await readFile(challenger, "utf8")) as LogisticModel;
    const bad: LogisticModel = { ...model, features: [...model.features, "plan"], means: [...model.means, 0], scales: [...model.scales, 1], weights: [...model.weights, 0] };
    challenger = join(out(), "challenger-bad-build.json");
    await writeFile(challenger, JSON.stringify(bad));
  }
  const server = await spawnModelServer([
    { name: "churn", version: "champion", path: join(out(), "champion.json") },
    { name: "churn-canary", version: "challenger", path: challenger },
  ], { logFile: join(out(), "model-server.log"), maxLifetimeSeconds: 600 });
  return { url: server.url, pid: server.pid };
});

const stopModelServer = task({ triggerRule: "all_done" }, async function stop_model_server(pid: number) {
  return { stopped: stopServerProcess(pid) };
});

const toProduction = task(async function to_production(decision: CanaryDecision) {
  const log = getCurrentContext().log;
  if (decision.decision !== "promote") {
    log.warn(`Canary rolled back (${decision.reasons.join("; ")}): the champion stays in production.`);
    return { production: "champion" };
  }
  await copyFile(join(out(), "challenger.json"), join(out(), "production.json"));
  log.info(`Challenger promoted to production (${join(out(), "production.json")}).`);
  return { production: "challenger" };
});

export default dag(
  {
    dagId: "phase18_03_auto_retraining",
    description: "Drift → retrain → champion/challenger → canary → production",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase18", "drift", "kserve", "mlops"],
    params: { canary_fault: param("none", { type: "string", enum: ["none", "bad_build"] }) },
  },
  () => {
    const data = loadData();
    const report = detectDrift();
    data.then(report);
    const route = routeOnDrift(report);
    const retrain = retrainChallenger();
    route.then([retrain, noDrift()]);
    const gate = championVsChallenger(retrain.get("champion"), retrain.get("challenger"));
    const server = startModelServer();
    gate.then([server, keepChampion()]);
    const deploy = new KServeDeployOperator({ taskId: "deploy_canary", inferenceService: { ...SERVICE, canaryTrafficPercent: 10 }, dryRunDir: join(dir, "manifests") });
    server.then(deploy);
    const analysis = new KServeCanaryAnalysisOperator({
      taskId: "canary_analysis", inferenceService: { ...SERVICE, canaryTrafficPercent: 10 }, dryRunDir: join(dir, "manifests"),
      canaryUrl: server.get("url"), stableUrl: server.get("url"), modelName: "churn-canary", stableModelName: "churn",
      requests: retrain.get("holdout"), criteria: { maxErrorRate: 0.01, minRequests: 50 },
    });
    deploy.then(analysis);
    analysis.then(stopModelServer(server.get("pid")));
    toProduction(analysis.output);
  },
);
