import type { Manifest } from "./manifest.ts";

/** One recorded inference call. */
export interface Observation { ok: boolean; latencyMs: number }

export interface SideStats { requests: number; errors: number; errorRate: number; p50Ms: number; p95Ms: number }

export interface CanaryCriteria {
  /** Highest acceptable share of failed requests on the canary (default 0.01). */
  maxErrorRate?: number;
  /** Absolute p95 latency ceiling for the canary, ms (default none). */
  maxP95LatencyMs?: number;
  /** Canary p95 may exceed the baseline's by this factor… (default 1.5) */
  maxLatencyRatio?: number;
  /** …plus this many ms, so that sub-millisecond jitter does not fail a canary (default 50). */
  latencySlackMs?: number;
  /** Fewer canary requests than this cannot promote (default 20). */
  minRequests?: number;
}

export interface CanaryDecision { decision: "promote" | "rollback"; reasons: string[]; canary: SideStats; baseline: SideStats | null }

const percentile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0);

export function summarizeObservations(observations: Observation[]): SideStats {
  const errors = observations.filter((o) => !o.ok).length;
  const sorted = observations.map((o) => o.latencyMs).sort((a, b) => a - b);
  return { requests: observations.length, errors, errorRate: observations.length ? errors / observations.length : 0, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95) };
}

/** A model's stats from the model server's Prometheus text (`updraft_model_requests_total`, latency quantiles). */
export function statsFromPrometheus(text: string, model: string): SideStats {
  let requests = 0;
  let errors = 0;
  const quantiles: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)$/.exec(line.trim());
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.model !== model) continue;
    const value = Number(m[3]);
    if (m[1] === "updraft_model_requests_total") {
      requests += value;
      if (Number(labels.code) >= 400) errors += value;
    } else if (m[1] === "updraft_model_request_duration_seconds" && labels.quantile) quantiles[labels.quantile] = value * 1000;
  }
  return { requests, errors, errorRate: requests ? errors / requests : 0, p50Ms: quantiles["0.5"] ?? 0, p95Ms: quantiles["0.95"] ?? 0 };
}

/** KServe canary analysis (§4.4): promote when the canary's error rate and latency hold, else roll back. */
export function analyzeCanary(canary: SideStats, baseline: SideStats | null, criteria: CanaryCriteria = {}): CanaryDecision {
  const { maxErrorRate = 0.01, maxP95LatencyMs, maxLatencyRatio = 1.5, latencySlackMs = 50, minRequests = 20 } = criteria;
  const reasons: string[] = [];
  if (canary.requests < minRequests) reasons.push(`only ${canary.requests} canary requests (need ${minRequests})`);
  if (canary.errorRate > maxErrorRate) reasons.push(`canary error rate ${(canary.errorRate * 100).toFixed(1)}% > ${(maxErrorRate * 100).toFixed(1)}%`);
  if (maxP95LatencyMs !== undefined && canary.p95Ms > maxP95LatencyMs) reasons.push(`canary p95 ${canary.p95Ms.toFixed(1)} ms > ${maxP95LatencyMs} ms`);
  if (baseline && baseline.requests > 0 && canary.p95Ms > baseline.p95Ms * maxLatencyRatio + latencySlackMs) {
    reasons.push(`canary p95 ${canary.p95Ms.toFixed(1)} ms > ${maxLatencyRatio}x baseline ${baseline.p95Ms.toFixed(1)} ms + ${latencySlackMs} ms`);
  }
  if (reasons.length) return { decision: "rollback", reasons, canary, baseline };
  return {
    decision: "promote",
    reasons: [`canary error rate ${(canary.errorRate * 100).toFixed(1)}% over ${canary.requests} requests, p95 ${canary.p95Ms.toFixed(1)} ms${baseline ? ` (baseline ${baseline.p95Ms.toFixed(1)} ms)` : ""}`],
    canary, baseline,
  };
}

const clone = (m: Manifest) => structuredClone(m);

/** Promotion: canaryTrafficPercent removed, so the latest revision takes 100% and becomes latestRolledoutRevision. */
export function promotedManifest(manifest: Manifest): Manifest {
  const next = clone(manifest);
  delete next.spec.predictor.canaryTrafficPercent;
  return next;
}

/** Rollback: canaryTrafficPercent 0 sends all traffic to the previous rolled-out revision; the new one stays at 0%. */
export function rolledBackManifest(manifest: Manifest): Manifest {
  const next = clone(manifest);
  next.spec.predictor.canaryTrafficPercent = 0;
  return next;
}
