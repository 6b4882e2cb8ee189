/**
 * phase18_02_ab_testing — an A/B test between two model versions, decided by statistics, then promoted or not.
 *
 * Shows: two logistic regressions (A, the production model; B, the candidate trained on more data) served by the
 * Updraft model server (KServe's V2 / Open Inference Protocol) started by the DAG as its own process;
 * `KServeDeployOperator` putting B in the InferenceService as a 50% canary (applied with kubectl when a cluster is
 * configured, otherwise a dry run writing the manifest and its diff); a deterministic hash-based traffic split
 * sending each simulated customer to A or B over HTTP; a two-proportion z-test on the arms' correct-retention rates;
 * a branch that promotes B (canary removed, 100% of traffic) only when it wins significantly, else rolls back to A
 * (canaryTrafficPercent 0).
 * Run it: `updraft dags test phase18_02_ab_testing 2024-01-03` (files under $TMPDIR/updraft-phase18/ab/).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dag, getCurrentContext, task } from "updraft";
import { KServeDeployOperator, OpenInferenceClient, spawnModelServer, type InferenceServiceSpec } from "updraft/providers/kserve";
import { assignArm, stopServerProcess, trainLogisticRegression, twoProportionZTest, type AbTestResult } from "updraft/providers/mlops";
import { currentDs, evaluateModel, featureMatrix, FEATURES, generateCustomers, labels, workDir } from "./lib/churn.ts";

const dir = workDir("ab", "{{ ds }}");
const SERVICE: InferenceServiceSpec = {
  name: "churn-ab", namespace: "ml", modelFormat: { name: "updraft-logreg", version: "1" }, protocolVersion: "v2",
  storageUri: "s3://models/churn/b", minReplicas: 1, maxReplicas: 3, deploymentMode: "Knative", enableTagRouting: true,
};
const ARMS = [{ name: "churn-a", weight: 50 }, { name: "churn-b", weight: 50 }];

const trainModels = task(async function train_models() {
  const out = workDir("ab", currentDs());
  await mkdir(out, { recursive: true });
  const small = generateCustomers(60, 3);
  const large = generateCustomers(1500, 4);
  const a = trainLogisticRegression([...FEATURES], featureMatrix(small), labels(small), { epochs: 15, learningRate: 0.05 });
  const b = trainLogisticRegression([...FEATURES], featureMatrix(large), labels(large), { epochs: 300 });
  await writeFile(join(out, "churn-a.json"), JSON.stringify(a));
  await writeFile(join(out, "churn-b.json"), JSON.stringify(b));
  const holdout = generateCustomers(400, 99);
  return { a: evaluateModel(a, holdout), b: evaluateModel(b, holdout) };
});

const startModelServer = task({ multipleOutputs: true }, async function start_model_server(_offline: unknown) {
  const { log } = getCurrentContext();
  const out = workDir("ab", currentDs());
  const server = await spawnModelServer(ARMS.map((arm) => ({ name: arm.name, path: join(out, `${arm.name}.json`) })), { logFile: join(out, "model-server.log"), maxLifetimeSeconds: 600 });
  log.info(`Model server (V2 protocol) on ${server.url}, pid ${server.pid}`);
  return { url: server.url, pid: server.pid };
});

/** Each customer goes to an arm by a stable hash of their id; success = the model's churn call was right. */
const runExperiment = task(async function run_experiment(url: string) {
  const customers = generateCustomers(1200, 2024);
  const client = new OpenInferenceClient(url);
  const byArm = new Map<string, typeof customers>(ARMS.map((a) => [a.name, []]));
  for (const c of customers) byArm.get(assignArm(String(c.customer_id), ARMS, "phase18_02"))!.push(c);
  const arms = [];
  for (const [name, group] of byArm) {
    let successes = 0;
    for (let i = 0; i < group.length; i += 200) {
      const batch = group.slice(i, i + 200);
      const { label } = await client.inferRows(name, featureMatrix(batch));
      successes += batch.filter((c, j) => label[j] === c.churned).length;
    }
    arms.push({ name, trials: group.length, successes });
  }
  getCurrentContext().log.info(`Traffic split: ${arms.map((a) => `${a.name} ${a.trials} customers, ${a.successes} correct`).join("; ")}`);
  return arms;
});

const stopModelServer = task({ triggerRule: "all_done" }, async function stop_model_server(pid: number) {
  return { stopped: stopServerProcess(pid) };
});

const significanceTest = task(async function significance_test(arms: Array<{ name: string; trials: number; successes: number }>) {
  const [control, treatment] = arms;
  const result = twoProportionZTest(control, treatment, 0.05);
  getCurrentContext().log.info(`A ${(result.control.rate * 100).toFixed(1)}% vs B ${(result.treatment.rate * 100).toFixed(1)}%: z=${result.z.toFixed(2)}, p=${result.pValue.toExponential(2)} → ${result.winner ? `${result.winner} wins` : "no significant difference"}`);
  return result;
});

const decide = task.branch(async function decide(result: AbTestResult) {
  return result.winner === "churn-b" ? "promote_b" : "keep_a";
});

export default dag(
  {
    dagId: "phase18_02_ab_testing",
    description: "A/B test two model versions behind a KServe canary, promote the significant winner",
    schedule: null,
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase18", "kserve", "ab-testing", "mlops"],
  },
  () => {
    const offline = trainModels();
    const canary = new KServeDeployOperator({ taskId: "deploy_b_as_canary", inferenceService: { ...SERVICE, canaryTrafficPercent: 50 }, dryRunDir: join(dir, "manifests") });
    offline.then(canary);
    const server = startModelServer(offline);
    const arms = runExperiment(server.get("url"));
    arms.then(stopModelServer(server.get("pid")));
    const result = significanceTest(arms);
    canary.then(result);
    const branch = decide(result);
    branch.then([
      new KServeDeployOperator({ taskId: "promote_b", inferenceService: SERVICE, dryRunDir: join(dir, "manifests") }),
      new KServeDeployOperator({ taskId: "keep_a", inferenceService: { ...SERVICE, canaryTrafficPercent: 0 }, dryRunDir: join(dir, "manifests") }),
    ]);
  },
);
