/** The special functions the drift tests need (Numerical Recipes §6.2, Abramowitz–Stegun 7.1.26 is not precise enough). */

function logGamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const c of g) ser += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Regularized upper incomplete gamma Q(a, x). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(lnPrefix);
  }
  // Lentz's continued fraction.
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lnPrefix) * h;
}

/** P(X² ≥ x) for k degrees of freedom. */
export function chiSquareSurvival(x: number, k: number): number {
  return gammaQ(k / 2, x / 2);
}

/** erfc with relative error < 1.2e-7 everywhere (Numerical Recipes erfcc), refined by one Newton-free series for small x. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Standard normal two-sided tail: 2·(1 − Φ(|z|)). */
export function normalTwoSided(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * Exact two-sided two-sample Kolmogorov–Smirnov p-value P(D ≥ d) (scipy's `ks_2samp(method="exact")`): the share
 * of the C(m+n, m) lattice paths that leave the band |i/m − j/n| < d. `dTimesMn` is d·m·n, an integer.
 */
export function ksExactPValue(m: number, n: number, dTimesMn: number): number {
  // inside[j] = fraction of monotone paths to (i, j) that stayed inside the band, over all paths to (i, j).
  let inside = new Float64Array(n + 1);
  inside[0] = 1;
  for (let j = 1; j <= n; j++) inside[j] = Math.abs(j * m) < dTimesMn ? inside[j - 1] : 0;
  for (let i = 1; i <= m; i++) {
    const next = new Float64Array(n + 1);
    next[0] = Math.abs(i * n) < dTimesMn ? inside[0] : 0;
    for (let j = 1; j <= n; j++) {
      if (Math.abs(i * n - j * m) >= dTimesMn) continue;
      next[j] = (inside[j] * i + next[j - 1] * j) / (i + j);
    }
    inside = next;
  }
  return Math.min(1, Math.max(0, 1 - inside[n]));
}
