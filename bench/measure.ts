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
