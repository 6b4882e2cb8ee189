/**
 * churn_pipeline — customer churn prediction from raw data to a deployed model (use case 1 of the MLOps seed).
 *
 * ingest (copy the source CSV) → version_data (content hash, content-addressed copy and a dataset event carrying the
 * hash, as `dvc add` would) → validate_data (Great Expectations-style suite, quality gate) → build_features
 * (standardised numeric columns + one-hot plan, 80/20 split) → train_model (logistic regression, gradient descent,
 * deterministic) → evaluate_model (AUC and accuracy on the holdout; fails below `min_auc`) → register_model (MLflow
 * when mlflow_default answers, else a local file registry, said in the log) → deploy_model (model + manifest in the
 * serving folder, version moved to Production).
 *
 * Run: UPDRAFT_DAGS_FOLDER=examples/churn-pipeline/dags npx updraft dags test churn_pipeline 2024-01-03
 * With MLflow: mlflow server --host 127.0.0.1 --port 5000, then UPDRAFT_CONN_MLFLOW_DEFAULT=http://127.0.0.1:5000.
 * Output goes to $UPDRAFT_EXAMPLES_DATA/churn-pipeline (default $TMPDIR/updraft-examples/churn-pipeline).
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dag, Dataset, FailTask, getCurrentContext, param, task } from "updraft";
import { classificationMetrics, DataQualityGateOperator, logLoss, predictProba, readFileBatch, trainLogisticRegression, type LogisticModel } from "updraft/providers/mlops";
import { exampleWorkDir } from "../../shared/work-dir.ts";
import { buildFeatures, type FeatureSet } from "../lib/features.ts";
import { LocalModelRegistry } from "../lib/local-registry.ts";
import { reachableMlflow, registerInMlflow, transitionStage, type RegisteredVersion } from "../lib/model-registry.ts";

const MODEL_NAME = "churn_model";
const WORK = exampleWorkDir("churn-pipeline");
const REGISTRY = join(WORK, "registry");
const SOURCE = fileURLToPath(new URL("../data/customers.csv", import.meta.url));
const rawCustomers = new Dataset(`file://${join(WORK, "raw", "customers.csv")}`);
const TRAINING = { learningRate: 0.5, epochs: 400, l2: 0.001 };

const readJson = async <T>(path: string) => JSON.parse(await readFile(path, "utf8")) as T;

const ingest = task(async function ingest() {
  const source = String(getCurrentContext().params.source_path || SOURCE);
  const target = new URL(rawCustomers.uri).pathname;
  await mkdir(join(WORK, "raw"), { recursive: true });
  await copyFile(source, target).catch((error: NodeJS.ErrnoException) => {
    throw new FailTask(`Cannot read the customer extract ${source} (${error.code ?? error.message}): set params.source_path to a CSV file.`);
  });
  return target;
});

/** Content-addressed copy (like DVC's cache) plus a pointer file; the dataset event's extra names the version. */
const versionData = task({ outlets: [rawCustomers], multipleOutputs: true }, async function version_data(rawPath: string) {
  const context = getCurrentContext();
  const content = await readFile(rawPath);
  const sha256 = createHash("sha256").update(content).digest("hex");
  const stored = join(WORK, "data-store", sha256.slice(0, 2), `${sha256}.csv`);
  await mkdir(join(WORK, "data-store", sha256.slice(0, 2)), { recursive: true });
  await writeFile(stored, content);
  const pointer = { path: "customers.csv", sha256, size: content.length, stored, versionedAt: new Date().toISOString() };
  await writeFile(`${rawPath}.version.json`, JSON.stringify(pointer, null, 2));
  context.outletEvents.get(rawCustomers).extra = { sha256, size: content.length };
  context.log.info(`Data version ${sha256} (${content.length} bytes) stored at ${stored}`);
  return { sha256, path: stored, source: { path: stored } };
});

const features = task(async function build_features(versionedPath: string, sha256: string) {
  const batch = await readFileBatch(versionedPath);
  const set = buildFeatures(batch.rows);
  const path = join(WORK, "features", `${sha256.slice(0, 12)}.json`);
  await mkdir(join(WORK, "features"), { recursive: true });
  await writeFile(path, JSON.stringify(set));
  getCurrentContext().log.info(`${set.features.length} features; ${set.train.y.length} training rows, ${set.holdout.y.length} holdout rows.`);
  return path;
});

const train = task(async function train_model(featuresPath: string) {
  const set = await readJson<FeatureSet>(featuresPath);
  const model = trainLogisticRegression(set.features, set.train.x, set.train.y, TRAINING);
  const loss = logLoss(set.train.y, predictProba(model, set.train.x));
  const path = join(WORK, "models", `${featuresPath.split("/").pop()!.replace(".json", "")}-model.json`);
  await mkdir(join(WORK, "models"), { recursive: true });
  await writeFile(path, JSON.stringify({ ...model, scaling: set.scaling }, null, 2));
  getCurrentContext().log.info(`Trained on ${set.train.y.length} rows: training log loss ${loss.toFixed(4)}.`);
  return path;
});

const evaluate = task(async function evaluate_model(featuresPath: string, modelPath: string) {
  const { params, log } = getCurrentContext();
  const set = await readJson<FeatureSet>(featuresPath);
  const model = await readJson<LogisticModel>(modelPath);
  const scores = predictProba(model, set.holdout.x);
  const m = classificationMetrics(set.holdout.y, scores.map((p) => (p >= 0.5 ? 1 : 0)), scores);
  const metrics = { auc: m.auc ?? 0, accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1 };
  log.info(`Holdout (${m.count} rows): AUC ${metrics.auc.toFixed(4)}, accuracy ${metrics.accuracy.toFixed(4)}, precision ${metrics.precision.toFixed(4)}, recall ${metrics.recall.toFixed(4)}.`);
  const minAuc = Number(params.min_auc);
  if (metrics.auc < minAuc) throw new FailTask(`Model AUC ${metrics.auc.toFixed(4)} is below the required ${minAuc}: not registering it. Check the data version or lower params.min_auc.`);
  return metrics;
});

const register = task(async function register_model(modelPath: string, metrics: Record<string, number>, sha256: string) {
  const context = getCurrentContext();
  const files = { "model.json": await readFile(modelPath, "utf8"), MLmodel: "artifact_path: model\nflavors:\n  updraft_logreg:\n    model: model.json\n" };
  const tags = { data_version: sha256, dag_run: context.runId };
  const hook = await reachableMlflow(context);
  let registered: RegisteredVersion;
  if (hook) {
    registered = await registerInMlflow(hook, MODEL_NAME, files, metrics, { ...TRAINING, features: "see model.json" }, tags);
  } else {
    const local = await new LocalModelRegistry(REGISTRY).register(MODEL_NAME, files, metrics, tags);
    registered = { registry: "local", name: MODEL_NAME, version: local.version, source: local.source };
  }
  context.log.info(`Registered ${MODEL_NAME} version ${registered.version} in the ${registered.registry} registry (${registered.source}).`);
  await transitionStage(context, REGISTRY, registered, "Staging");
  return registered;
});

/** Writes the model and its manifest to serving/<model>/, replacing the manifest atomically, then promotes to Production. */
const deploy = task(async function deploy_model(registered: RegisteredVersion, modelPath: string, metrics: Record<string, number>, sha256: string) {
  const context = getCurrentContext();
  const serving = join(WORK, "serving", MODEL_NAME);
  const versionDir = join(serving, `v${registered.version}`);
  await mkdir(versionDir, { recursive: true });
  const model = await readFile(modelPath);
  await writeFile(join(versionDir, "model.json"), model);
  const manifest = {
    model: MODEL_NAME, version: registered.version, registry: registered.registry, registrySource: registered.source,
    artifact: join(versionDir, "model.json"), artifactSha256: createHash("sha256").update(model).digest("hex"),
    dataVersion: sha256, metrics, deployedAt: new Date().toISOString(), dagRun: context.runId,
  };
  const temp = join(serving, `manifest.json.${process.pid}.tmp`);
  await writeFile(temp, JSON.stringify(manifest, null, 2));
  await rename(temp, join(serving, "manifest.json"));
  await transitionStage(context, REGISTRY, registered, "Production");
  context.log.info(`Deployed ${MODEL_NAME} v${registered.version} to ${serving}`);
  return manifest;
});

export default dag(
  {
    dagId: "churn_pipeline",
    description: "Churn prediction: ingest, version, validate, features, train, evaluate, register, deploy",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["examples", "mlops", "churn"],
    params: {
      source_path: param(SOURCE, { type: "string" }),
      min_auc: param(0.7, { type: "number", minimum: 0, maximum: 1 }),
    },
  },
  () => {
    const raw = ingest();
    const version = versionData(raw);
    const sha256 = version.get("sha256");
    const validate = new DataQualityGateOperator({
      taskId: "validate_data",
      source: version.get("source"),
      suite: fileURLToPath(new URL("../data/customers_suite.json", import.meta.url)),
      reportPath: join(WORK, "reports", "{{ ds }}", "customers_validation.html"),
    });
    const featuresPath = features(version.get("path"), sha256);
    validate.then(featuresPath);
    const modelPath = train(featuresPath);
    const metrics = evaluate(featuresPath, modelPath);
    const registered = register(modelPath, metrics, sha256);
    deploy(registered, modelPath, metrics, sha256);
  },
);
