import { describe, expect, it } from "vitest";
import { buildModelCard, classificationMetrics, fairnessBySlice, renderModelCard } from "updraft/providers/mlops";

const yTrue = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1];
const yPred = [1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1];
const scores = [0.9, 0.2, 0.4, 0.8, 0.6, 0.1, 0.7, 0.3, 0.95, 0.55, 0.4, 0.85];
const group = ["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"];

describe("model cards", () => {
  it("computes performance as scikit-learn does (accuracy, precision, recall, F1, ROC AUC with ties)", () => {
    const m = classificationMetrics(yTrue, yPred, scores);
    expect(m.accuracy).toBeCloseTo(0.6666666666666666, 12);
    expect([m.precision, m.recall, m.f1].map((v) => v.toFixed(12))).toEqual(Array(3).fill((0.7142857142857143).toFixed(12)));
    expect(m.auc).toBeCloseTo(0.8857142857142857, 12); // roc_auc_score, with the tie at 0.4
    expect(m.confusion).toEqual({ tp: 5, fp: 2, tn: 3, fn: 2 });
    expect(() => classificationMetrics([1, 2], [1, 0])).toThrow(/must be 0 or 1, got 2/);
    expect(() => classificationMetrics([1], [1, 0])).toThrow(/same length/);
  });

  it("computes per-slice rates and the demographic parity and equalized odds differences", () => {
    const f = fairnessBySlice("group", group, yTrue, yPred);
    // a: selection 3/6, TPR 2/3, FPR 1/3; b: selection 4/6, TPR 3/4, FPR 1/2.
    expect(f.slices.map((s) => [s.group, s.selectionRate, s.truePositiveRate, s.falsePositiveRate])).toEqual([["a", 0.5, 2 / 3, 1 / 3], ["b", 4 / 6, 0.75, 0.5]]);
    expect(f.demographicParityDifference).toBeCloseTo(1 / 6, 12);
    expect(f.demographicParityRatio).toBeCloseTo(0.75, 12);
    expect(f.equalOpportunityDifference).toBeCloseTo(0.75 - 2 / 3, 12);
    expect(f.equalizedOddsDifference).toBeCloseTo(1 / 6, 12);
  });

  it("renders an HTML card with the numbers, flags gaps above the threshold and escapes text", () => {
    const card = buildModelCard({ name: "churn <lr>", version: "3", owners: ["ml-team"], limitations: ["trained on 2023 data"] }, { yTrue, yPred, scores, sensitive: { group } });
    expect(card.flags).toEqual(["group: demographic parity difference 0.167 > 0.1", "group: equalized odds difference 0.167 > 0.1"]);
    expect(buildModelCard({ name: "m" }, { yTrue, yPred, sensitive: { group } }, { fairnessThreshold: 0.2 }).flags).toEqual([]);
    const html = renderModelCard(card);
    expect(html).toContain("Model card: churn &lt;lr&gt;");
    expect(html).toContain("<td>12</td><td>0.667</td><td>0.714</td><td>0.714</td><td>0.714</td><td>0.886</td>");
    expect(html).toContain("<tr><td>b</td><td>6</td><td>0.667</td><td>0.750</td><td>0.500</td><td>0.667</td></tr>");
    expect(html).toContain('<li class="flag">group: equalized odds difference 0.167 &gt; 0.1</li>');
    expect(html).toContain("trained on 2023 data");
  });
});
