/** Evidently's `get_binned_data`: shares per Sturges bin (numerical, > 20 distinct reference values) or per value. */
export type Value = number | string | boolean;

export function sturgesEdges(values: number[]): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
  let bins = Math.ceil(Math.log2(values.length) + 1);
  if (min === max) { min -= 0.5; max += 0.5; bins = 1; }
  const step = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * step);
  edges[bins] = max;
  return edges;
}

/** numpy.histogram counts: half-open bins, the last one closed. */
export function histogram(values: number[], edges: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (const v of values) {
    if (v < edges[0] || v > edges[last]) continue;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid; else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}

const key = (v: Value) => `${typeof v}:${String(v)}`;

export function binnedShares(reference: Value[], current: Value[], numerical: boolean, applyEps: boolean): { ref: number[]; cur: number[] } {
  let ref: number[];
  let cur: number[];
  if (numerical && new Set(reference).size > 20) {
    const edges = sturgesEdges([...(reference as number[]), ...(current as number[])]);
    ref = histogram(reference as number[], edges).map((c) => c / reference.length);
    cur = histogram(current as number[], edges).map((c) => c / current.length);
  } else {
    const keys = [...new Set([...reference, ...current].map(key))];
    const count = (values: Value[]) => {
      const counts = new Map<string, number>();
      for (const v of values) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1);
      return keys.map((k) => (counts.get(k) ?? 0) / values.length);
    };
    ref = count(reference);
    cur = count(current);
  }
  if (applyEps) {
    const nonZero = [...ref, ...cur].filter((x) => x > 0);
    const smallest = Math.min(...nonZero);
    const eps = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
    ref = ref.map((x) => (x === 0 ? eps : x));
    cur = cur.map((x) => (x === 0 ? eps : x));
  }
  return { ref, cur };
}
