/**
 * Binary logistic regression, trained by full-batch gradient descent on standardized features with an L2 penalty.
 * Deterministic (zero start, fixed row order): the same data gives the same model. The model is plain JSON, so it
 * travels through XCom, MLflow artifacts and the KServe model server unchanged.
 */
export interface LogisticModel {
  kind: "logistic_regression";
  features: string[];
  /** Per feature: value' = (value - mean) / scale before the weights apply. */
  means: number[];
  scales: number[];
  weights: number[];
  bias: number;
}

export interface TrainOptions { learningRate?: number; epochs?: number; l2?: number }

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function trainLogisticRegression(features: string[], x: number[][], y: number[], options: TrainOptions = {}): LogisticModel {
  if (x.length === 0 || x.length !== y.length) throw new Error(`Training needs one label per row and at least one row (got ${x.length} rows, ${y.length} labels).`);
  const badRow = x.findIndex((row) => row.length !== features.length || row.some((v) => typeof v !== "number" || !Number.isFinite(v)));
  if (badRow >= 0) throw new Error(`Training row ${badRow} must hold ${features.length} finite numbers (${features.join(", ")}), got ${JSON.stringify(x[badRow])}.`);
  if (y.some((t) => t !== 0 && t !== 1)) throw new Error("Labels must be 0 or 1.");
  const { learningRate = 0.5, epochs = 300, l2 = 0.001 } = options;
  const n = x.length;
  const means = features.map((_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const scales = features.map((_, j) => Math.sqrt(x.reduce((s, r) => s + (r[j] - means[j]) ** 2, 0) / n) || 1);
  const z = x.map((r) => r.map((v, j) => (v - means[j]) / scales[j]));
  const weights = new Array<number>(features.length).fill(0);
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grad = new Array<number>(features.length).fill(0);
    let gradBias = 0;
    for (let i = 0; i < n; i++) {
      let s = bias;
      for (let j = 0; j < weights.length; j++) s += weights[j] * z[i][j];
      const err = sigmoid(s) - y[i];
      for (let j = 0; j < weights.length; j++) grad[j] += err * z[i][j];
      gradBias += err;
    }
    for (let j = 0; j < weights.length; j++) weights[j] -= learningRate * (grad[j] / n + l2 * weights[j]);
    bias -= (learningRate * gradBias) / n;
  }
  return { kind: "logistic_regression", features, means, scales, weights, bias };
}

/** P(y = 1) per row; a row of the wrong width is an error naming the expected features. */
export function predictProba(model: LogisticModel, x: number[][]): number[] {
  return x.map((row, i) => {
    if (row.length !== model.features.length) throw new Error(`Row ${i} has ${row.length} values; the model expects ${model.features.length} (${model.features.join(", ")}).`);
    let s = model.bias;
    for (let j = 0; j < row.length; j++) s += model.weights[j] * ((row[j] - model.means[j]) / model.scales[j]);
    return sigmoid(s);
  });
}

export function logLoss(y: number[], p: number[]): number {
  const eps = 1e-12;
  return -y.reduce((sum, t, i) => sum + t * Math.log(Math.max(p[i], eps)) + (1 - t) * Math.log(Math.max(1 - p[i], eps)), 0) / y.length;
}
