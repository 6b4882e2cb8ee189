import { histogram } from "../drift/binning.ts";
import { isNull } from "./batch.ts";
import { ExpectationError, requireColumn, type ExpectationImpl } from "./expectation.ts";
import { setKey } from "./map-expectations.ts";

interface Categorical { values: unknown[]; weights: number[] }
interface Continuous { bins: number[]; weights: number[]; tail_weights?: [number, number] }

/** scipy `entropy(p, q)`: both normalised to sum 1, Σ p·ln(p/q); infinite when q is 0 where p is not. */
function klDivergence(p: number[], q: number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    if (a === 0) continue;
    if (b === 0) return Infinity;
    kl += a * Math.log(a / b);
  }
  return kl;
}

/** Puts `holdout` of the expected mass evenly on the bins whose expected weight is 0 (GE's weight holdouts). */
function withHoldout(weights: number[], zeroBins: number[], holdout: number): number[] {
  if (holdout <= 0 || zeroBins.length === 0) return weights;
  const scaled = weights.map((w) => w * (1 - holdout));
  for (const i of zeroBins) scaled[i] += holdout / zeroBins.length;
  return scaled;
}

/** expect_column_kl_divergence_to_be_less_than: KL(observed ‖ expected partition) ≤ threshold. */
export const expectKlDivergence: ExpectationImpl = (batch, kwargs) => {
  const column = requireColumn(batch, kwargs);
  const values = batch.rows.map((r) => r[column]).filter((v) => !isNull(v));
  const partition = kwargs.partition_object as Categorical | Continuous | undefined | null;
  const internal = Number(kwargs.internal_weight_holdout ?? 0);
  const tail = Number(kwargs.tail_weight_holdout ?? 0);
  let observed: number[];
  let expected: number[];
  let details: Record<string, unknown>;
  if (!partition) {
    // GE builds the partition from the data itself: a self-comparison.
    return { success: true, result: { observed_value: 0, details: { observed_partition: null, expected_partition: null } } };
  }
  if ("values" in partition) {
    if (!Array.isArray(partition.values) || partition.values.length !== partition.weights?.length) throw new ExpectationError(`A categorical partition_object needs "values" and "weights" of the same length.`);
    const keys = partition.values.map(setKey);
    const counts = new Map<string, { value: unknown; count: number }>();
    for (const v of values) counts.set(setKey(v), { value: v, count: (counts.get(setKey(v))?.count ?? 0) + 1 });
    const extra = [...counts.keys()].filter((k) => !keys.includes(k));
    observed = [...keys, ...extra].map((k) => (counts.get(k)?.count ?? 0) / values.length);
    const base = [...partition.weights, ...extra.map(() => 0)];
    expected = withHoldout(base, base.map((w, i) => (w === 0 ? i : -1)).filter((i) => i >= 0), internal);
    details = { observed_partition: { values: [...partition.values, ...extra.map((k) => counts.get(k)!.value)], weights: observed }, expected_partition: { values: [...partition.values, ...extra.map((k) => counts.get(k)!.value)], weights: expected } };
  } else {
    if (!Array.isArray(partition.bins) || partition.bins.length !== partition.weights?.length + 1) throw new ExpectationError(`A continuous partition_object needs "bins" (edges) and one fewer "weights".`);
    const numbers = values.map(Number);
    const hist = histogram(numbers, partition.bins);
    const below = numbers.filter((v) => v < partition.bins[0]).length;
    const above = numbers.filter((v) => v > partition.bins[partition.bins.length - 1]).length;
    observed = [below, ...hist, above].map((c) => c / numbers.length);
    const tails = partition.tail_weights ?? [0, 0];
    let base = [tails[0], ...partition.weights, tails[1]];
    if (tail > 0) base = [tail / 2, ...partition.weights.map((w) => w * (1 - tail)), tail / 2];
    expected = withHoldout(base, base.map((w, i) => (w === 0 && i > 0 && i < base.length - 1 ? i : -1)).filter((i) => i >= 0), internal);
    details = { observed_partition: { bins: partition.bins, weights: observed.slice(1, -1), tail_weights: [observed[0], observed.at(-1)] }, expected_partition: { bins: partition.bins, weights: expected.slice(1, -1), tail_weights: [expected[0], expected.at(-1)] } };
  }
  const kl = values.length ? klDivergence(observed, expected) : NaN;
  const finite = Number.isFinite(kl);
  const threshold = kwargs.threshold;
  const success = finite && (threshold === null || threshold === undefined || kl <= Number(threshold));
  return { success, result: { observed_value: finite ? kl : null, details } };
};
