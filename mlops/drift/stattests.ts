import { binnedShares, type Value } from "./binning.ts";
import { chiSquareSurvival, ksExactPValue, normalTwoSided } from "./distributions.ts";

/** Evidently's stattest ids, each with its default threshold and its drift rule. */
export const STAT_TESTS = {
  ks: { name: "K-S p_value", threshold: 0.05, kind: "p_value" },
  chisquare: { name: "chi-square p_value", threshold: 0.05, kind: "p_value" },
  z: { name: "Z-test p_value", threshold: 0.05, kind: "p_value" },
  wasserstein: { name: "Wasserstein distance (normed)", threshold: 0.1, kind: "distance" },
  jensenshannon: { name: "Jensen-Shannon distance", threshold: 0.1, kind: "distance" },
  psi: { name: "PSI", threshold: 0.1, kind: "distance" },
  kl_div: { name: "Kullback-Leibler divergence", threshold: 0.1, kind: "distance" },
} as const;
export type StatTestId = keyof typeof STAT_TESTS;

export interface StatTestResult { method: StatTestId; statistic: number; threshold: number; drifted: boolean }

const KS_EXACT_MAX_N = 10_000; // scipy's MAX_AUTO_N: beyond it ks_2samp uses the asymptotic distribution

/** Two-sample K-S statistic D and its two-sided p-value (scipy `ks_2samp`, method "auto"). */
export function ks2samp(a: number[], b: number[]): { statistic: number; pValue: number } {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  const m = x.length;
  const n = y.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0; // max |i·n − j·m| over the pooled sample points, as an integer
  while (i < m || j < n) {
    const v = Math.min(i < m ? x[i] : Infinity, j < n ? y[j] : Infinity);
    while (i < m && x[i] === v) i++;
    while (j < n && y[j] === v) j++;
    maxDiff = Math.max(maxDiff, Math.abs(i * n - j * m));
  }
  const statistic = maxDiff / (m * n);
  if (maxDiff === 0) return { statistic, pValue: 1 };
  if (Math.max(m, n) <= KS_EXACT_MAX_N) return { statistic, pValue: ksExactPValue(m, n, maxDiff) };
  // Kolmogorov's limiting distribution at sqrt(m·n/(m+n))·D.
  const t = Math.sqrt((m * n) / (m + n)) * statistic;
  let p = 0;
  for (let k = 1; k < 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * t * t);
  return { statistic, pValue: Math.min(1, Math.max(0, p)) };
}

function counts(values: Value[], keys: string[]): number[] {
  const map = new Map<string, number>();
  for (const v of values) map.set(String(v), (map.get(String(v)) ?? 0) + 1);
  return keys.map((k) => map.get(k) ?? 0);
}

/** Pearson χ² of current counts against reference counts scaled to the current size (Evidently's chisquare). */
export function chiSquarePValue(reference: Value[], current: Value[]): number {
  const keys = [...new Set([...reference, ...current].map(String))];
  const expected = counts(reference, keys).map((c) => (c * current.length) / reference.length);
  const observed = counts(current, keys);
  let stat = 0;
  for (let k = 0; k < keys.length; k++) {
    if (expected[k] === 0) { if (observed[k] > 0) return 0; continue; }
    stat += (observed[k] - expected[k]) ** 2 / expected[k];
  }
  return chiSquareSurvival(stat, keys.length - 1);
}

/** Two-proportion z-test on "value is the first category" (Evidently's z). */
export function zTestPValue(reference: Value[], current: Value[]): number {
  const refSet = new Set(reference.map(String));
  const curSet = new Set(current.map(String));
  if (refSet.size === 1 && curSet.size === 1 && [...refSet][0] === [...curSet][0]) return 1;
  const first = [...new Set([...refSet, ...curSet])].sort()[0];
  const p1 = reference.filter((v) => String(v) === first).length / reference.length;
  const p2 = current.filter((v) => String(v) === first).length / current.length;
  const pooled = (p1 * reference.length + p2 * current.length) / (reference.length + current.length);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / reference.length + 1 / current.length));
  return normalTwoSided(z);
}

/** scipy `wasserstein_distance` (1-D), divided by max(std(reference), 0.001) with numpy's ddof=0 std. */
export function wassersteinNormed(reference: number[], current: number[]): number {
  const u = [...reference].sort((a, b) => a - b);
  const v = [...current].sort((a, b) => a - b);
  const all = [...u, ...v].sort((a, b) => a - b);
  let distance = 0;
  let i = 0;
  let j = 0;
  for (let k = 0; k < all.length - 1; k++) {
    while (i < u.length && u[i] <= all[k]) i++;
    while (j < v.length && v[j] <= all[k]) j++;
    distance += Math.abs(i / u.length - j / v.length) * (all[k + 1] - all[k]);
  }
  const mean = reference.reduce((a, b) => a + b, 0) / reference.length;
  const std = Math.sqrt(reference.reduce((a, b) => a + (b - mean) ** 2, 0) / reference.length);
  return distance / Math.max(std, 0.001);
}

/** scipy `jensenshannon(p, q)` with natural log: the square root of the JS divergence. */
export function jensenShannon(p: number[], q: number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let divergence = 0;
  for (let k = 0; k < p.length; k++) {
    const a = p[k] / sp;
    const b = q[k] / sq;
    const m = (a + b) / 2;
    if (a > 0) divergence += a * Math.log(a / m);
    if (b > 0) divergence += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, divergence / 2));
}

export function runStatTest(method: StatTestId, reference: Value[], current: Value[], numerical: boolean, threshold: number = STAT_TESTS[method].threshold): StatTestResult {
  let statistic: number;
  let drifted: boolean;
  switch (method) {
    case "ks":
      statistic = ks2samp(reference as number[], current as number[]).pValue;
      drifted = statistic <= threshold;
      break;
    case "chisquare":
      statistic = chiSquarePValue(reference, current);
      drifted = statistic < threshold;
      break;
    case "z":
      statistic = zTestPValue(reference, current);
      drifted = statistic < threshold;
      break;
    case "wasserstein":
      statistic = wassersteinNormed(reference as number[], current as number[]);
      drifted = statistic >= threshold;
      break;
    case "jensenshannon": {
      const { ref, cur } = binnedShares(reference, current, numerical, false);
      statistic = jensenShannon(ref, cur);
      drifted = statistic >= threshold;
      break;
    }
    case "psi": {
      const { ref, cur } = binnedShares(reference, current, numerical, true);
      statistic = ref.reduce((sum, r, k) => sum + (r - cur[k]) * Math.log(r / cur[k]), 0);
      drifted = statistic >= threshold;
      break;
    }
    case "kl_div": {
      const { ref, cur } = binnedShares(reference, current, numerical, true);
      statistic = ref.reduce((sum, r, k) => sum + r * Math.log(r / cur[k]), 0);
      drifted = statistic >= threshold;
      break;
    }
    default:
      throw new Error(`Unknown drift method "${method as string}": use one of ${Object.keys(STAT_TESTS).join(", ")}.`);
  }
  return { method, statistic, threshold, drifted };
}
