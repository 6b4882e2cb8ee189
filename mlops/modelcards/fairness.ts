import { classificationMetrics, type ClassificationMetrics } from "./metrics.ts";

export interface SliceMetrics extends ClassificationMetrics { feature: string; group: string }
export interface FairnessReport {
  feature: string;
  slices: SliceMetrics[];
  /** max − min selection rate across groups (fairlearn's demographic_parity_difference). */
  demographicParityDifference: number;
  /** min ÷ max selection rate (the "80% rule" reads this). */
  demographicParityRatio: number;
  /** max of the TPR gap and the FPR gap across groups (fairlearn's equalized_odds_difference). */
  equalizedOddsDifference: number;
  /** TPR gap across groups. */
  equalOpportunityDifference: number;
}

/** Per-group metrics and the group-gap fairness metrics for one sensitive feature. */
export function fairnessBySlice(feature: string, groups: Array<string | number | boolean | null>, yTrue: number[], yPred: number[], scores?: number[]): FairnessReport {
  if (groups.length !== yTrue.length) throw new Error(`Sensitive feature "${feature}" has ${groups.length} values for ${yTrue.length} predictions.`);
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const key = g === null ? "(missing)" : String(g);
    byGroup.set(key, [...(byGroup.get(key) ?? []), i]);
  });
  const slices = [...byGroup].sort(([a], [b]) => (a < b ? -1 : 1)).map(([group, idx]) => ({
    feature, group,
    ...classificationMetrics(idx.map((i) => yTrue[i]), idx.map((i) => yPred[i]), scores && idx.map((i) => scores[i])),
  }));
  const gap = (pick: (s: SliceMetrics) => number) => Math.max(...slices.map(pick)) - Math.min(...slices.map(pick));
  const rates = slices.map((s) => s.selectionRate);
  return {
    feature, slices,
    demographicParityDifference: gap((s) => s.selectionRate),
    demographicParityRatio: Math.max(...rates) === 0 ? 1 : Math.min(...rates) / Math.max(...rates),
    equalizedOddsDifference: Math.max(gap((s) => s.truePositiveRate), gap((s) => s.falsePositiveRate)),
    equalOpportunityDifference: gap((s) => s.truePositiveRate),
  };
}
