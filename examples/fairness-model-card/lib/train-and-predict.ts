import { predictProba, trainLogisticRegression, type LogisticModel, type Predictions, type Row } from "updraft/providers/mlops";

/** The model never sees the sensitive attributes; they are kept beside the predictions to slice by. */
export const FEATURES = ["tenure_months", "support_tickets", "app_sessions"];
export const SENSITIVE = ["age_group", "gender"];

const scaled = (rows: Row[], stats: Array<{ mean: number; std: number }>) =>
  rows.map((r) => FEATURES.map((f, j) => (Number(r[f]) - stats[j].mean) / stats[j].std));

/** Trains on 70% of the rows (positions 0–6 of every 10) and predicts the other 30%, with the slices' attributes. */
export function trainAndPredict(rows: Row[]): { model: LogisticModel; predictions: Predictions & { sensitive: Record<string, string[]> } } {
  const train = rows.filter((_, i) => i % 10 < 7);
  const test = rows.filter((_, i) => i % 10 >= 7);
  const stats = FEATURES.map((f) => {
    const values = train.map((r) => Number(r[f]));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) || 1 };
  });
  const model = trainLogisticRegression(FEATURES, scaled(train, stats), train.map((r) => Number(r.churn)), { epochs: 300 });
  const scores = predictProba(model, scaled(test, stats));
  return {
    model,
    predictions: {
      yTrue: test.map((r) => Number(r.churn)),
      yPred: scores.map((p) => (p >= 0.5 ? 1 : 0)),
      scores,
      sensitive: Object.fromEntries(SENSITIVE.map((s) => [s, test.map((r) => String(r[s]))])),
    },
  };
}
