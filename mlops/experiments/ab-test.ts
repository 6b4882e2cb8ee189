import { normalTwoSided } from "../drift/distributions.ts";

/** Conversions of one arm of an A/B test. */
export interface Arm { name: string; trials: number; successes: number }

export interface AbTestResult {
  control: Arm & { rate: number };
  treatment: Arm & { rate: number };
  /** treatment rate - control rate. */
  lift: number;
  relativeLift: number;
  z: number;
  pValue: number;
  alpha: number;
  significant: boolean;
  /** The better arm when the difference is significant, else null (keep the control). */
  winner: string | null;
}

/** Two-sided two-proportion z-test with a pooled standard error (as statsmodels' proportions_ztest). */
export function twoProportionZTest(control: Arm, treatment: Arm, alpha = 0.05): AbTestResult {
  for (const arm of [control, treatment]) {
    if (!(arm.trials > 0) || arm.successes < 0 || arm.successes > arm.trials) throw new Error(`Arm "${arm.name}" needs trials > 0 and 0 <= successes <= trials (got ${arm.successes}/${arm.trials}).`);
  }
  const p1 = control.successes / control.trials;
  const p2 = treatment.successes / treatment.trials;
  const pooled = (control.successes + treatment.successes) / (control.trials + treatment.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.trials + 1 / treatment.trials));
  const z = se === 0 ? 0 : (p2 - p1) / se;
  const pValue = se === 0 ? 1 : normalTwoSided(z);
  const significant = pValue < alpha;
  return {
    control: { ...control, rate: p1 }, treatment: { ...treatment, rate: p2 },
    lift: p2 - p1, relativeLift: p1 === 0 ? Infinity : (p2 - p1) / p1, z, pValue, alpha, significant,
    winner: significant ? (p2 > p1 ? treatment.name : control.name) : null,
  };
}

/** Deterministic traffic split: the arm a unit (user id) is routed to, stable across runs (FNV-1a hash bucket). */
export function assignArm(unitId: string, arms: Array<{ name: string; weight: number }>, salt = ""): string {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  if (!(total > 0)) throw new Error("Traffic split weights must add up to more than 0.");
  let hash = 0x811c9dc5;
  for (const ch of `${salt}:${unitId}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  let point = (hash / 2 ** 32) * total;
  for (const arm of arms) {
    if (point < arm.weight) return arm.name;
    point -= arm.weight;
  }
  return arms[arms.length - 1].name;
}
