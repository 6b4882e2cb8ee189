import type { MlflowHook, ModelVersion } from "./hook.ts";

/** A registry reference: a version number ("3"), an alias ("@champion") or a stage ("stage:Production"). */
export type VersionRef = string;

export interface VersionMetrics { ref: VersionRef; version: string; runId: string; metrics: Record<string, number> }
export interface VersionComparison {
  metric: string;
  higherIsBetter: boolean;
  candidate: VersionMetrics;
  baseline: VersionMetrics | null;
  /** candidate − baseline (positive = candidate larger), null without a baseline. */
  delta: number | null;
  winner: "candidate" | "baseline";
  reason: string;
}

export async function resolveVersion(hook: MlflowHook, name: string, ref: VersionRef): Promise<ModelVersion | undefined> {
  if (ref.startsWith("@")) return hook.getVersionByAlias(name, ref.slice(1));
  if (ref.startsWith("stage:")) return (await hook.getLatestVersions(name, [ref.slice(6)]))[0];
  if (ref === "latest") {
    const versions = await hook.searchModelVersions(`name='${name.replaceAll("'", "\\'")}'`);
    return versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
  }
  return hook.getModelVersion(name, ref);
}

async function metricsOf(hook: MlflowHook, name: string, ref: VersionRef): Promise<VersionMetrics | null> {
  const version = await resolveVersion(hook, name, ref);
  if (!version) return null;
  if (!version.run_id) throw new Error(`Model "${name}" version ${version.version} has no run: its metrics cannot be compared. Register versions from a run.`);
  const run = await hook.getRun(version.run_id);
  const metrics = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]));
  return { ref, version: version.version, runId: version.run_id, metrics };
}

/**
 * Compares one metric of two registered versions (from their runs' latest metric values). A missing baseline (no
 * champion yet) makes the candidate win; the candidate must beat the baseline by more than `minImprovement`.
 */
export async function compareVersions(hook: MlflowHook, options: { modelName: string; candidate: VersionRef; baseline: VersionRef; metric: string; higherIsBetter?: boolean; minImprovement?: number }): Promise<VersionComparison> {
  const higherIsBetter = options.higherIsBetter ?? true;
  const candidate = await metricsOf(hook, options.modelName, options.candidate);
  if (!candidate) throw new Error(`Model "${options.modelName}" has no version "${options.candidate}" to compare.`);
  const value = candidate.metrics[options.metric];
  if (value === undefined) {
    throw new Error(`Version ${candidate.version} of "${options.modelName}" (run ${candidate.runId}) has no metric "${options.metric}"; it has: ${Object.keys(candidate.metrics).join(", ") || "none"}.`);
  }
  const baseline = await metricsOf(hook, options.modelName, options.baseline);
  const base = { metric: options.metric, higherIsBetter, candidate, baseline };
  if (!baseline || baseline.metrics[options.metric] === undefined) {
    return { ...base, delta: null, winner: "candidate", reason: `no baseline ${options.baseline} with ${options.metric}: the candidate wins by default` };
  }
  const delta = value - baseline.metrics[options.metric];
  const gain = higherIsBetter ? delta : -delta;
  const winner = gain > (options.minImprovement ?? 0) ? "candidate" : "baseline";
  const reason = `${options.metric}: candidate v${candidate.version} ${value} vs baseline v${baseline.version} ${baseline.metrics[options.metric]} (${higherIsBetter ? "higher" : "lower"} is better, min improvement ${options.minImprovement ?? 0})`;
  return { ...base, delta, winner, reason };
}
