/** A check's expected value, as Airflow's SQLColumnCheckOperator takes it. */
export interface CheckCondition {
  equal_to?: number;
  greater_than?: number;
  geq_to?: number;
  less_than?: number;
  leq_to?: number;
  /** Fraction the result may differ by: 0.1 accepts ±10% of the bound. */
  tolerance?: number;
  partition_clause?: string;
}

const COMPARISONS = ["equal_to", "greater_than", "geq_to", "less_than", "leq_to"] as const;

export function checkConditionErrors(where: string, condition: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const known = new Set<string>([...COMPARISONS, "tolerance", "partition_clause"]);
  for (const key of Object.keys(condition)) if (!known.has(key)) errors.push(`${where}: unknown key "${key}" (use ${COMPARISONS.join(", ")}, tolerance, partition_clause)`);
  if (!COMPARISONS.some((c) => c in condition)) errors.push(`${where}: no comparison; add one of ${COMPARISONS.join(", ")}`);
  return errors;
}

/** Airflow's `_get_match`: lower bound (geq_to / greater_than), upper bound (leq_to / less_than) and equal_to, widened by tolerance. */
export function matches(condition: CheckCondition, result: number | null, acceptNone: boolean): boolean {
  let record = result;
  if (record === null && acceptNone) record = 0;
  if (record === null) return false;
  const tol = condition.tolerance;
  let ok = true;
  if (condition.geq_to !== undefined) ok = record >= (tol !== undefined ? condition.geq_to * (1 - tol) : condition.geq_to);
  else if (condition.greater_than !== undefined) ok = record > (tol !== undefined ? condition.greater_than * (1 - tol) : condition.greater_than);
  if (condition.leq_to !== undefined) ok = record <= (tol !== undefined ? condition.leq_to * (1 + tol) : condition.leq_to) && ok;
  else if (condition.less_than !== undefined) ok = record < (tol !== undefined ? condition.less_than * (1 + tol) : condition.less_than) && ok;
  if (condition.equal_to !== undefined) {
    ok = (tol !== undefined ? condition.equal_to * (1 - tol) <= record && record <= condition.equal_to * (1 + tol) : record === condition.equal_to) && ok;
  }
  return ok;
}
