import { describe, expect, it } from "vitest";
import { binnedShares, chiSquarePValue, dataDrift, defaultMethod, jensenShannon, ks2samp, profileColumns, runStatTest, wassersteinNormed, zTestPValue } from "updraft/providers/mlops";

// Known answers computed once with scipy 1.17 / numpy (see docs/mlops.md) and pinned here.
const a = [0.1, 0.5, 0.9, 1.3, 1.7, 2.2, 2.8, 3.1, 3.6, 4.0, 4.4, 5.0];
const b = [1.1, 1.9, 2.5, 3.3, 3.9, 4.6, 5.2, 5.8, 6.1, 6.9];
const ra = Array.from({ length: 300 }, (_, i) => ((i * 37) % 101) / 10);
const rb = Array.from({ length: 250 }, (_, i) => ((i * 53) % 97) / 10 + 0.8);
const rep = (value: string | number, n: number) => Array<string | number>(n).fill(value);

describe("stattests against scipy", () => {
  it("K-S two-sample: the statistic and the exact p-value", () => {
    expect(ks2samp(a, b).statistic).toBeCloseTo(0.4166666666666667, 12);
    expect(ks2samp(a, b).pValue).toBeCloseTo(0.23373839782508513, 9);
    expect(ks2samp(ra, rb)).toEqual({ statistic: expect.closeTo(0.084, 12), pValue: expect.closeTo(0.2748564790885379, 8) });
    expect(ks2samp(ra, ra)).toEqual({ statistic: 0, pValue: 1 });
  });

  it("chi-square on reference counts scaled to the current size, the z-test, normed Wasserstein, Jensen-Shannon and PSI", () => {
    const ref = [...rep("a", 50), ...rep("b", 30), ...rep("c", 20)];
    const cur = [...rep("a", 30), ...rep("b", 30), ...rep("c", 40)];
    expect(chiSquarePValue(ref, cur)).toBeCloseTo(8.31528719103568e-07, 12); // χ² = 28, 2 dof
    expect(chiSquarePValue(ref, ref)).toBeCloseTo(1, 12);
    expect(zTestPValue([...rep(1, 60), ...rep(0, 40)], [...rep(1, 45), ...rep(0, 55)])).toBeCloseTo(0.03367206885634588, 6);
    expect(zTestPValue(rep("x", 5), rep("x", 9))).toBe(1);
    expect(wassersteinNormed(a, b)).toBeCloseTo(1.0841423544884896, 12);
    expect(jensenShannon([0.5, 0.3, 0.2], [0.3, 0.3, 0.4])).toBeCloseTo(0.17211473103812178, 12);
    // > 20 distinct reference values: Sturges bins over reference ∪ current (11 bins for 550 values).
    const binned = binnedShares(ra, rb, true, false);
    expect(binned.ref).toHaveLength(11);
    expect(runStatTest("jensenshannon", ra, rb, true).statistic).toBeCloseTo(0.12368452513717076, 12);
    expect(runStatTest("psi", ra, rb, true)).toEqual({ method: "psi", statistic: expect.closeTo(0.13096081786827538, 10), threshold: 0.1, drifted: true });
  });

  it("drift rules: p ≤ threshold for K-S, p < threshold for chi-square, distance ≥ threshold for the others", () => {
    expect(runStatTest("ks", a, b, true)).toMatchObject({ drifted: false, threshold: 0.05 });
    expect(runStatTest("ks", a, b, true, 0.25).drifted).toBe(true);
    expect(runStatTest("wasserstein", a, b, true)).toMatchObject({ drifted: true, threshold: 0.1 });
    expect(runStatTest("wasserstein", a, a, true).statistic).toBe(0);
  });
});

describe("dataset drift as Evidently's DataDriftPreset decides it", () => {
  it("picks the test per column type and size, and compares the drifted share with drift_share (0.5)", () => {
    expect([defaultMethod("numerical", 1000, 6), defaultMethod("numerical", 1000, 4), defaultMethod("numerical", 1000, 2), defaultMethod("categorical", 1001, 3), defaultMethod("numerical", 1001, 50)])
      .toEqual(["ks", "chisquare", "z", "jensenshannon", "wasserstein"]);
    const reference = ra.map((x, i) => ({ id: `id-${i}`, amount: x, plan: ["basic", "pro", "team"][i % 3], churned: i % 4 === 0 ? 1 : 0 }));
    const shifted = ra.map((x, i) => ({ id: `new-${i}`, amount: x + 3, plan: ["basic", "pro", "team"][i % 3], churned: i % 4 === 0 ? 1 : 0 }));
    const report = dataDrift(reference, shifted);
    expect(report.columns.map((c) => [c.column, c.kind, c.method, c.drifted])).toEqual([
      ["amount", "numerical", "ks", true], ["plan", "categorical", "chisquare", false], ["churned", "categorical", "z", false]]);
    expect(report.skipped).toEqual([{ column: "id", reason: "empty, mixed-type or id-like column" }]);
    expect(report).toMatchObject({ numberOfColumns: 3, numberOfDriftedColumns: 1, shareOfDriftedColumns: 1 / 3, datasetDrift: false });
    expect(dataDrift(reference, shifted, { driftShare: 0.3 }).datasetDrift).toBe(true);
    const forced = dataDrift(reference, shifted, { method: "psi", perColumnThreshold: { plan: 0 } });
    expect(forced.columns.map((c) => [c.method, c.drifted])).toEqual([["psi", true], ["psi", true], ["psi", false]]);
    expect(() => dataDrift(reference, [])).toThrow(/rows on both sides/);
  });

  it("profiles columns like pandas describe()", () => {
    const [amount, plan] = profileColumns([{ amount: 1, plan: "a" }, { amount: 2, plan: "b" }, { amount: null, plan: "a" }, { amount: 10, plan: null }, { amount: 4.5, plan: "a" }]);
    expect(amount).toMatchObject({ kind: "numerical", count: 5, missing: 1, missingShare: 0.2, distinct: 4, stats: { mean: 4.375, min: 1, p25: 1.75, p50: 3.25, p75: 5.875, max: 10 } });
    expect(amount.stats!.std).toBeCloseTo(4.02854398842394, 12);
    expect(plan).toMatchObject({ kind: "categorical", missing: 1, distinct: 2, top: [{ value: "a", count: 3 }, { value: "b", count: 1 }] });
  });
});
