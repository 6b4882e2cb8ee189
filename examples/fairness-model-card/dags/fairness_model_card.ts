/**
 * fairness_model_card — fairness analysis and a model card before deployment (use case 5 of the MLOps seed).
 *
 * train_and_predict (logistic regression that never sees age group or gender; predictions on a 30% holdout, kept
 * beside the sensitive attributes) → build_model_card (overall metrics, per-slice metrics and fairlearn's group gaps
 * per sensitive feature; the card rendered as HTML and saved with its JSON) → fairness_gate (fails, listing the gaps,
 * when a demographic parity or equalized odds difference exceeds `fairness_threshold`).
 * `dataset` picks the sample: "fair" passes the gate; "biased" (historically biased labels and a proxy feature)
 * fails it on age_group. The card is written in both cases: it documents why the model was stopped.
 *
 * Run: UPDRAFT_DAGS_FOLDER=examples/fairness-model-card/dags npx updraft dags test fairness_model_card 2024-01-03 \
 *        --conf '{"dataset": "biased"}'
 * Cards go to $UPDRAFT_EXAMPLES_DATA/fairness-model-card/<ds>/<dataset>/ (default under $TMPDIR/updraft-examples).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dag, FailTask, getCurrentContext, param, task } from "updraft";
import { buildModelCard, readFileBatch, renderModelCard, type ModelCard, type Predictions } from "updraft/providers/mlops";
import { exampleWorkDir } from "../../shared/work-dir.ts";
import { FEATURES, SENSITIVE, trainAndPredict } from "../lib/train-and-predict.ts";

const data = (dataset: string) => fileURLToPath(new URL(`../data/customers_${dataset}.csv`, import.meta.url));

const trainPredict = task(async function train_and_predict() {
  const { params, log } = getCurrentContext();
  const batch = await readFileBatch(data(String(params.dataset)));
  const { model, predictions } = trainAndPredict(batch.rows);
  log.info(`Trained on ${batch.rows.length - predictions.yTrue.length} rows with ${FEATURES.join(", ")} (not ${SENSITIVE.join(", ")}); ${predictions.yTrue.length} holdout predictions.`);
  return { model, predictions };
});

const modelCard = task(async function build_model_card(trained: { model: { weights: number[]; bias: number }; predictions: Predictions }) {
  const { params, logicalDate, log } = getCurrentContext();
  const ds = logicalDate.toISOString().slice(0, 10);
  const dataset = String(params.dataset);
  const card = buildModelCard({
    name: "Customer Churn Predictor",
    version: ds,
    owners: ["ml-platform"],
    description: "Predicts the probability that a customer churns in the next month (logistic regression).",
    intendedUse: "Prioritising retention offers; not for pricing or credit decisions.",
    limitations: ["Trained on synthetic data", "Age group and gender are not model inputs but are audited"],
    trainingData: `customers_${dataset}.csv, 70% split`,
    evaluationData: `customers_${dataset}.csv, 30% holdout`,
  }, trained.predictions, { fairnessThreshold: Number(params.fairness_threshold) });
  const dir = join(exampleWorkDir("fairness-model-card"), ds, dataset);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "model_card.html"), renderModelCard(card));
  await writeFile(join(dir, "model_card.json"), JSON.stringify(card, null, 2));
  for (const f of card.fairness) {
    log.info(`${f.feature}: demographic parity difference ${f.demographicParityDifference.toFixed(3)}, equalized odds difference ${f.equalizedOddsDifference.toFixed(3)}; selection rate ${f.slices.map((s) => `${s.group} ${s.selectionRate.toFixed(2)}`).join(", ")}`);
  }
  log.info(`Model card written to ${join(dir, "model_card.html")}`);
  return card;
});

const fairnessGate = task(async function fairness_gate(card: ModelCard) {
  if (card.flags.length) {
    throw new FailTask(`Fairness gate failed (threshold ${card.fairnessThreshold}):\n  ${card.flags.join("\n  ")}\nThe model is not promoted; see the model card for the per-slice metrics.`);
  }
  getCurrentContext().log.info(`Fairness gate passed: every group gap is within ${card.fairnessThreshold}.`);
  return { passed: true, accuracy: card.performance.accuracy, auc: card.performance.auc };
});

export default dag(
  {
    dagId: "fairness_model_card",
    description: "Per-slice fairness metrics, an HTML model card and a fairness gate",
    schedule: null,
    startDate: "2024-01-01",
    catchup: false,
    tags: ["examples", "mlops", "fairness"],
    params: {
      dataset: param("fair", { type: "string", enum: ["fair", "biased"] }),
      fairness_threshold: param(0.1, { type: "number", minimum: 0, maximum: 1 }),
    },
  },
  () => {
    fairnessGate(modelCard(trainPredict()));
  },
);
