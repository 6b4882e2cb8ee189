export interface GatePolicy {
  /** The candidate's AUC must reach this. */
  minAuc: number;
  /** …and may not be more than this below the deployed version's AUC. */
  maxRegression: number;
}
export interface GateDecision { approved: boolean; reasons: string[] }

/** Whether a candidate may replace what is deployed (null: nothing is). Every failed rule is listed. */
export function promotionGate(candidate: { version: string; metrics: Record<string, number> }, deployed: { version: string; metrics: Record<string, number> } | null, policy: GatePolicy): GateDecision {
  const reasons: string[] = [];
  const auc = candidate.metrics.auc;
  if (typeof auc !== "number") reasons.push(`version ${candidate.version} has no "auc" metric`);
  else {
    if (auc < policy.minAuc) reasons.push(`AUC ${auc} of version ${candidate.version} is below the minimum ${policy.minAuc}`);
    const current = deployed?.metrics.auc;
    if (typeof current === "number" && auc < current - policy.maxRegression) {
      reasons.push(`AUC ${auc} of version ${candidate.version} is worse than the deployed version ${deployed!.version}'s ${current} (allowed regression ${policy.maxRegression})`);
    }
  }
  if (deployed?.version === candidate.version) reasons.push(`version ${candidate.version} is already deployed`);
  return { approved: reasons.length === 0, reasons };
}
