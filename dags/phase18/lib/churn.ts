/** Deterministic churn data and helpers shared by the phase18 examples (and phase6_02). */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getCurrentContext } from "updraft";
import { classificationMetrics, logLoss, predictProba, type LogisticModel } from "updraft/providers/mlops";

export const FEATURES = ["tenure_months", "monthly_charges", "support_calls"] as const;
export type Customer = { customer_id: number; tenure_months: number; monthly_charges: number; support_calls: number; churned: number };

/** Working files of the examples, per example and logical date; UPDRAFT_PHASE18_WORK_DIR moves them (tests running one DAG twice at once). */
export const workDir = (...parts: string[]) => join(process.env.UPDRAFT_PHASE18_WORK_DIR ?? join(tmpdir(), "updraft-phase18"), ...parts);

export function seededRandom(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Customers whose churn is likelier with short tenure, high charges and many support calls. `shift` > 0 moves the
 * population (higher charges, more calls) and strengthens the calls effect: the drift phase18_03 detects.
 */
export function generateCustomers(n: number, seed: number, shift = 0): Customer[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const tenure = Math.round(rand() * 72);
    const charges = Math.round((30 + rand() * 80 + shift * 25) * 100) / 100;
    const calls = Math.floor(rand() * (5 + shift * 3));
    const logit = 1.0 - 0.07 * tenure + 0.03 * (charges - 70) + (0.45 + shift * 0.4) * calls + (rand() - 0.5) * 1.5;
    return { customer_id: i + 1, tenure_months: tenure, monthly_charges: charges, support_calls: calls, churned: logit > 0 ? 1 : 0 };
  });
}

export const featureMatrix = (rows: Array<Record<string, unknown>>, features: readonly string[] = FEATURES) => rows.map((r) => features.map((f) => Number(r[f])));
export const labels = (rows: Array<Record<string, unknown>>) => rows.map((r) => Number(r.churned));

/** Accuracy, AUC, F1 and log loss of a model on labelled rows (read by the model's own feature names). */
export function evaluateModel(model: LogisticModel, rows: Array<Record<string, unknown>>) {
  const y = labels(rows);
  const p = predictProba(model, featureMatrix(rows, model.features));
  const m = classificationMetrics(y, p.map((v) => (v >= 0.5 ? 1 : 0)), p);
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return { accuracy: round(m.accuracy), auc: round(m.auc ?? 0), f1: round(m.f1), log_loss: round(logLoss(y, p)), count: m.count };
}

export function toCsv(rows: Array<Record<string, unknown>>): string {
  const names = Object.keys(rows[0] ?? {});
  return `${[names.join(","), ...rows.map((r) => names.map((n) => String(r[n] ?? "")).join(","))].join("\n")}\n`;
}

/** The running task's logical date as YYYY-MM-DD (Airflow's `ds`). */
export const currentDs = () => getCurrentContext().logicalDate.toISOString().slice(0, 10);
