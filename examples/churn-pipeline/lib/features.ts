import type { Row } from "updraft/providers/mlops";

export const NUMERIC_FEATURES = ["age", "tenure_months", "monthly_charges", "support_tickets", "total_purchases", "days_since_last_purchase"];
/** One-hot columns of `plan`; "basic" is the reference level. */
const PLAN_LEVELS = ["standard", "premium"];
export const FEATURE_NAMES = [...NUMERIC_FEATURES, ...PLAN_LEVELS.map((p) => `plan_${p}`)];

export interface Split { ids: string[]; x: number[][]; y: number[] }
export interface FeatureSet {
  features: string[];
  /** Standardisation of the numeric columns, fitted on the training split only (no holdout leakage). */
  scaling: Record<string, { mean: number; std: number }>;
  train: Split;
  holdout: Split;
}

/** Every fifth customer (by position) is held out: a deterministic 80/20 split. */
export function buildFeatures(rows: Row[]): FeatureSet {
  const train = rows.filter((_, i) => i % 5 !== 0);
  const holdout = rows.filter((_, i) => i % 5 === 0);
  const scaling = Object.fromEntries(NUMERIC_FEATURES.map((column) => {
    const values = train.map((r) => Number(r[column]));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) || 1;
    return [column, { mean, std }];
  }));
  const encode = (part: Row[]): Split => ({
    ids: part.map((r) => String(r.customer_id)),
    x: part.map((r) => [
      ...NUMERIC_FEATURES.map((c) => (Number(r[c]) - scaling[c].mean) / scaling[c].std),
      ...PLAN_LEVELS.map((p) => (r.plan === p ? 1 : 0)),
    ]),
    y: part.map((r) => Number(r.churn)),
  });
  return { features: FEATURE_NAMES, scaling, train: encode(train), holdout: encode(holdout) };
}
