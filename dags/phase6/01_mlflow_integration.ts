/**
 * phase6_01_mlflow_integration — experiment tracking and the model registry with MLflow.
 *
 * Shows: `MlflowCreateRunOperator` starting a run tagged with the DAG run; a TaskFlow task training a small
 * logistic regression (plain TypeScript) on generated churn data; `MlflowLogMetricsOperator` logging its metrics,
 * params and the model files (MLmodel + weights, through the tracking server's artifact proxy) and ending the run;
 * `MlflowRegisterModelOperator` registering the run's model as a new version of "phase6_churn";
 * `MlflowCompareVersionsOperator` comparing it with the version aliased "champion" (the first one always wins) and
 * moving the alias when it is better; `MlflowTransitionStageOperator` putting it in Staging.
 *
 * Needs an MLflow tracking server. Start one:
 *   pip install mlflow && mlflow server --host 127.0.0.1 --port 5000
 * and point the mlflow_default connection at it (or set MLFLOW_TRACKING_URI):
 *   export UPDRAFT_CONN_MLFLOW_DEFAULT=http://127.0.0.1:5000
 * Run it: `updraft dags test phase6_01_mlflow_integration 2024-01-03`. Without a server the first task fails at
 * once, saying the server is unreachable (or the connection undefined) and how to fix it.
 */
import { dag, task } from "updraft";
import {
  MlflowCompareVersionsOperator, MlflowCreateRunOperator, MlflowLogMetricsOperator, MlflowRegisterModelOperator,
  MlflowTransitionStageOperator,
} from "updraft/providers/mlflow";

const MODEL = "phase6_churn";

/** Deterministic churn-like data: churn is likelier with short tenure and many support calls. */
function generate(n: number, seed: number) {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => {
    const tenure = rand() * 60;
    const calls = Math.floor(rand() * 6);
    const logit = 1.5 - 0.08 * tenure + 0.6 * calls + (rand() - 0.5) * 2;
    return { x: [tenure / 60, calls / 5], y: logit > 0 ? 1 : 0 };
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

const train = task({ multipleOutputs: true }, async function train_model() {
  const [trainSet, testSet] = [generate(400, 7), generate(200, 11)];
  const learningRate = 0.5;
  const epochs = 300;
  let w = [0, 0];
  let b = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grad = [0, 0];
    let gb = 0;
    for (const { x, y } of trainSet) {
      const err = sigmoid(w[0] * x[0] + w[1] * x[1] + b) - y;
      grad[0] += err * x[0];
      grad[1] += err * x[1];
      gb += err;
    }
    w = w.map((wi, i) => wi - (learningRate * grad[i]) / trainSet.length);
    b -= (learningRate * gb) / trainSet.length;
  }
  let correct = 0;
  let logLoss = 0;
  for (const { x, y } of testSet) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(w[0] * x[0] + w[1] * x[1] + b)));
    correct += (p >= 0.5 ? 1 : 0) === y ? 1 : 0;
    logLoss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return {
    metrics: { accuracy: correct / testSet.length, log_loss: logLoss / testSet.length },
    params: { learning_rate: learningRate, epochs, features: "tenure,support_calls" },
    artifacts: {
      "model/MLmodel": `artifact_path: model\nflavors:\n  updraft_logreg:\n    weights: weights.json\n`,
      "model/weights.json": JSON.stringify({ w, b }),
    },
  };
});

export default dag(
  {
    dagId: "phase6_01_mlflow_integration",
    description: "Track a training run in MLflow, register the model, compare with the champion and stage it",
    schedule: null,
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase6", "mlflow", "mlops"],
  },
  () => {
    const run = new MlflowCreateRunOperator({ taskId: "start_run", experimentName: "phase6_churn", runName: "logreg {{ ds }}" });
    const model = train();
    const runId = run.output.get("runId");
    const log = new MlflowLogMetricsOperator({
      taskId: "log_results", runId, metrics: model.get("metrics"), runParams: model.get("params"),
      artifacts: model.get("artifacts"), terminateWith: "FINISHED",
    });
    const register = new MlflowRegisterModelOperator({ taskId: "register_model", modelName: MODEL, runId, artifactPath: "model" });
    log.then(register);
    const version = register.output.get("version");
    const compare = new MlflowCompareVersionsOperator({
      taskId: "compare_with_champion", modelName: MODEL, candidate: version, baseline: "@champion", metric: "accuracy", promoteAlias: "champion",
    });
    const stage = new MlflowTransitionStageOperator({ taskId: "stage_model", modelName: MODEL, version, stage: "Staging" });
    compare.then(stage);
  },
);
