/**
 * Which dataset-triggered run consumed each event: for each consuming DAG, its first such run dated at or after the
 * event (a run consumes every event since the DAG's previous dataset-triggered run, timestamps to the millisecond, as
 * `consumedDatasetEvents` decides).
 */
export function runsConsumingEvents<E extends { id: number; timestamp: Date }>(
  events: readonly E[],
  runs: ReadonlyArray<{ dag_id: string; run_id: string; logical_date: Date; state: string }>,
): Map<number, Array<{ dag_id: string; run_id: string; state: string }>> {
  const byDag = new Map<string, typeof runs[number][]>();
  for (const run of runs) byDag.set(run.dag_id, [...(byDag.get(run.dag_id) ?? []), run]);
  const consumed = new Map<number, Array<{ dag_id: string; run_id: string; state: string }>>();
  for (const event of events) {
    const at = Math.floor(event.timestamp.getTime());
    const list: Array<{ dag_id: string; run_id: string; state: string }> = [];
    for (const dagRuns of byDag.values()) {
      const run = dagRuns.find((r) => r.logical_date.getTime() >= at);
      if (run) list.push({ dag_id: run.dag_id, run_id: run.run_id, state: run.state });
    }
    consumed.set(event.id, list);
  }
  return consumed;
}
