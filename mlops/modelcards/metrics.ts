/** Binary classification metrics from labels (0/1) and, optionally, scores. */
export interface ClassificationMetrics {
  count: number; accuracy: number; precision: number; recall: number; f1: number;
  /** Share predicted positive (selection rate). */
  selectionRate: number;
  truePositiveRate: number; falsePositiveRate: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  /** ROC AUC (Mann–Whitney, ties count half); null without scores or without both classes. */
  auc: number | null;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function classificationMetrics(yTrue: number[], yPred: number[], scores?: number[]): ClassificationMetrics {
  if (yTrue.length !== yPred.length || (scores && scores.length !== yTrue.length)) {
    throw new Error(`Labels (${yTrue.length}), predictions (${yPred.length})${scores ? ` and scores (${scores.length})` : ""} must have the same length.`);
  }
  const bad = [...yTrue, ...yPred].find((v) => v !== 0 && v !== 1);
  if (bad !== undefined) throw new Error(`Labels and predictions must be 0 or 1, got ${JSON.stringify(bad)}.`);
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  yTrue.forEach((t, i) => {
    const p = yPred[i];
    if (t === 1 && p === 1) c.tp++; else if (t === 0 && p === 1) c.fp++; else if (t === 0) c.tn++; else c.fn++;
  });
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  return {
    count: yTrue.length,
    accuracy: ratio(c.tp + c.tn, yTrue.length),
    precision, recall,
    f1: ratio(2 * precision * recall, precision + recall),
    selectionRate: ratio(c.tp + c.fp, yTrue.length),
    truePositiveRate: recall,
    falsePositiveRate: ratio(c.fp, c.fp + c.tn),
    confusion: c,
    auc: scores ? rocAuc(yTrue, scores) : null,
  };
}

export function rocAuc(yTrue: number[], scores: number[]): number | null {
  const pos = scores.filter((_, i) => yTrue[i] === 1);
  const neg = scores.filter((_, i) => yTrue[i] === 0);
  if (!pos.length || !neg.length) return null;
  // Rank-sum with average ranks for ties.
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s);
  const ranks = new Array<number>(scores.length);
  for (let k = 0; k < order.length;) {
    let e = k;
    while (e + 1 < order.length && order[e + 1].s === order[k].s) e++;
    for (let r = k; r <= e; r++) ranks[order[r].i] = (k + e) / 2 + 1;
    k = e + 1;
  }
  const rankSum = yTrue.reduce((sum, t, i) => sum + (t === 1 ? ranks[i] : 0), 0);
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}
