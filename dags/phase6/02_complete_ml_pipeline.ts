/**
 * phase6_02_complete_ml_pipeline — a churn model from raw data to the registry, every step a task.
 *
 * Shows: ingest (raw customers written as CSV) → validate (`DataQualityGateOperator`, Great Expectations' vocabulary:
 * the run stops here if the data breaks the suite) → features (derived ratios, a reproducible train/test split) →
 * train (a real logistic regression in TypeScript, mlops/training) → evaluate (accuracy, ROC AUC, F1, log loss;
 * a quality bar of AUC ≥ 0.75 fails the task below it) → register (an MLflow run with params, metrics and the model
 * files, and a new version of the registered model "phase6_churn_pipeline" aliased "candidate").
 *
 * Registering needs an MLflow tracking server (`pip install mlflow && mlflow server --host 127.0.0.1 --port 5000`,
 * the default address; or set UPDRAFT_CONN_MLFLOW_DEFAULT). When none answers, `register_model` is skipped with a
 * message saying so and how to start one; every other step still runs.
 * Run it: `updraft dags test phase6_02_complete_ml_pipeline 2024-01-03` (files under $TMPDIR/updraft-phase18/phase6/).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dag, FailTask, getCurrentContext, SkipTask, task } from "updraft";
import { MlflowApiError, mlflowHookFor } from "updraft/providers/mlflow";
import { DataQualityGateOperator, readFileBatch, trainLogisticRegression, type LogisticModel } from "updraft/providers/mlops";
import { currentDs, evaluateModel, generateCustomers, toCsv, workDir } from "../phase18/lib/churn.ts";

if (!process.env.UPDRAFT_CONN_MLFLOW_DEFAULT && !process.env.AIRFLOW_CONN_MLFLOW_DEFAULT && !process.env.MLFLOW_TRACKING_URI) {
  process.env.MLFLOW_TRACKING_URI = "http://127.0.0.1:5000";
}

const MODEL = "phase6_churn_pipeline";
const FEATURES = ["tenure_months", "monthly_charges", "support_calls", "charges_per_tenure", "calls_per_year"];
const out = () => workDir("phase6", currentDs());

const ingest = task(async function ingest() {
  await mkdir(out(), { recursive: true });
  const customers = generateCustomers(1000, 6);
  await writeFile(join(out(), "customers.csv"), toCsv(customers));
  return { path: join(out(), "customers.csv"), rows: customers.length };
});

/** Derived features, then a split by customer id (every 5th customer is held out) so reruns split alike. */
const buildFeatures = task({ multipleOutputs: true }, async function build_features(raw: { path: string }) {
  const rows = (await readFileBatch(raw.path)).rows.map((r) => {
    const tenure = Number(r.tenure_months);
    return {
      customer_id: Number(r.customer_id), tenure_months: tenure, monthly_charges: Number(r.monthly_charges), support_calls: Number(r.support_calls),
      charges_per_tenure: Number(r.monthly_charges) / (tenure + 1), calls_per_year: (Number(r.support_calls) * 12) / (tenure + 1), churned: Number(r.churned),
    };
  });
  const train = rows.filter((r) => r.customer_id % 5 !== 0);
  const test = rows.filter((r) => r.customer_id % 5 === 0);
  await writeFile(join(out(), "features.csv"), toCsv(rows));
  getCurrentContext().log.info(`${rows.length} rows, ${FEATURES.length} features; ${train.length} to train, ${test.length} to test`);
  return { train, test };
});

const trainModel = task(async function train_model(train: Array<Record<string, number>>) {
  const model = trainLogisticRegression(FEATURES, train.map((r) => FEATURES.map((f) => r[f])), train.map((r) => r.churned), { epochs: 400, learningRate: 0.5 });
  await writeFile(join(out(), "model.json"), JSON.stringify(model));
  return model;
});

const evaluate = task(async function evaluate(model: LogisticModel, test: Array<Record<string, number>>) {
  const metrics = evaluateModel(model, test);
  getCurrentContext().log.info(`Test set: accuracy ${metrics.accuracy}, AUC ${metrics.auc}, F1 ${metrics.f1}, log loss ${metrics.log_loss} (${metrics.count} customers)`);
  if (metrics.auc < 0.75) throw new FailTask(`Model AUC ${metrics.auc} is below the 0.75 bar: not registering it.`);
  return metrics;
});

const registerModel = task(async function register_model(model: LogisticModel, metrics: Record<string, number>) {
  const context = getCurrentContext();
  const hook = await mlflowHookFor(context);
  let experimentId: string;
  try {
    experimentId = await hook.ensureExperiment(MODEL);
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === "UNREACHABLE") throw new SkipTask(`Not registered: ${error.message}`);
    throw error;
  }
  const run = await hook.createRun(experimentId, { runName: `logreg ${currentDs()}`, tags: { "updraft.dag_id": context.dag.dagId, "updraft.run_id": context.runId } });
  const runId = run.info.run_id;
  await hook.logBatch(runId, { metrics, params: { features: FEATURES.join(","), epochs: 400, learning_rate: 0.5 } });
  await hook.uploadArtifact(run.info.artifact_uri, "model/MLmodel", "artifact_path: model\nflavors:\n  updraft_logreg:\n    model: model.json\n");
  await hook.uploadArtifact(run.info.artifact_uri, "model/model.json", JSON.stringify(model));
  await hook.setTerminated(runId, "FINISHED");
  if (!(await hook.getRegisteredModel(MODEL))) await hook.createRegisteredModel(MODEL);
  const version = await hook.createModelVersion(MODEL, `${run.info.artifact_uri}/model`, { runId });
  await hook.setAlias(MODEL, "candidate", version.version);
  context.log.info(`Registered ${MODEL} version ${version.version} (alias "candidate") from run ${runId}`);
  return { runId, version: version.version };
});

export default dag(
  {
    dagId: "phase6_02_complete_ml_pipeline",
    description: "Ingest, validate, engineer features, train, evaluate and register a churn model",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase6", "mlops", "mlflow", "data-quality"],
  },
  () => {
    const raw = ingest();
    const validate = new DataQualityGateOperator({
      taskId: "validate",
      source: { path: join(workDir("phase6", "{{ ds }}"), "customers.csv") },
      suite: {
        name: "raw_customers",
        expectations: [
          { type: "expect_table_columns_to_match_set", kwargs: { column_set: ["customer_id", "tenure_months", "monthly_charges", "support_calls", "churned"] } },
          { type: "expect_column_values_to_not_be_null", kwargs: { column: "customer_id" } },
          { type: "expect_column_values_to_be_unique", kwargs: { column: "customer_id" } },
          { type: "expect_column_values_to_be_between", kwargs: { column: "tenure_months", min_value: 0, max_value: 120 } },
          { type: "expect_column_values_to_be_between", kwargs: { column: "monthly_charges", min_value: 0, max_value: 500, mostly: 0.99 } },
          { type: "expect_column_values_to_be_in_set", kwargs: { column: "churned", value_set: [0, 1] } },
          { type: "expect_table_row_count_to_be_between", kwargs: { min_value: 500 } },
        ],
      },
    });
    raw.then(validate);
    const features = buildFeatures(raw);
    validate.then(features);
    const model = trainModel(features.get("train"));
    const metrics = evaluate(model, features.get("test"));
    registerModel(model, metrics);
  },
);
