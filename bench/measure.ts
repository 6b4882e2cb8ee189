import type { Queryable } from "../core/store/database.ts";

/** Runs `fn` several times and reports the median and spread: the machine is shared and noisy, single runs lie. */
export async function measure(runs: number, fn: () => unknown | Promise<unknown>): Promise<{ median_ms: number; min_ms: number; max_ms: number; runs: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median_ms: round(times[Math.floor(times.length / 2)]), min_ms: round(times[0]), max_ms: round(times.at(-1)!), runs };
}

export function report(name: string, figures: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: name, ...figures }));
}

/**
 * Finish → start latencies (ms, sorted) between the consecutive tasks t0…t199 of one run of `bench_chain_200`
 * (bench/dags/scheduler_bench.ts).
 */
export async function chainHops(db: Queryable, runId: string): Promise<number[]> {
  const { rows } = await db.query<{ task_id: string; start_date: Date; end_date: Date }>(
    "SELECT task_id, start_date, end_date FROM task_instance WHERE dag_id = 'bench_chain_200' AND run_id = $1", [runId]);
  const byIndex = new Map(rows.map((r) => [Number(r.task_id.slice(1)), r]));
  const hops: number[] = [];
  for (let i = 1; i < 200; i++) hops.push(byIndex.get(i)!.start_date.getTime() - byIndex.get(i - 1)!.end_date.getTime());
  return hops.sort((a, b) => a - b);
}
