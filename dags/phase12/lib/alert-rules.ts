import { sumOf, type Sample } from "./prometheus-text.ts";

/**
 * An alert rule in the spirit of Prometheus's: fires when `value(samples)` crosses `threshold`. `value` returns null
 * when the metrics it needs are absent, which is itself reported (a silent exporter must not look healthy).
 */
export interface AlertRule {
  name: string;
  severity: "critical" | "warning";
  summary: string;
  value(samples: readonly Sample[]): number | null;
  op: ">" | "<" | ">=" | "==";
  threshold: number;
}

export interface AlertResult {
  rule: string;
  severity: AlertRule["severity"];
  state: "firing" | "ok" | "no_data";
  value: number | null;
  summary: string;
}

const compare = (value: number, op: AlertRule["op"], threshold: number) =>
  op === ">" ? value > threshold : op === "<" ? value < threshold : op === ">=" ? value >= threshold : value === threshold;

export function evaluateRules(rules: readonly AlertRule[], samples: readonly Sample[]): AlertResult[] {
  return rules.map((rule) => {
    const value = rule.value(samples);
    const state = value === null ? "no_data" : compare(value, rule.op, rule.threshold) ? "firing" : "ok";
    return { rule: rule.name, severity: rule.severity, state, value, summary: rule.summary };
  });
}

/** A ratio of two metrics' sums, null when the denominator is absent or zero. */
export const ratio = (samples: readonly Sample[], numerator: string, denominator: string): number | null => {
  const top = sumOf(samples, numerator) ?? 0;
  const bottom = sumOf(samples, denominator);
  return bottom ? top / bottom : null;
};
