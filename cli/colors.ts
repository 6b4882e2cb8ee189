/** Airflow's state colours, as terminal colours, when printing to a terminal. */
const STATE_COLORS: Record<string, number> = {
  success: 32, failed: 31, upstream_failed: 33, skipped: 35, running: 36, queued: 90, scheduled: 90,
  up_for_retry: 33, up_for_reschedule: 36, removed: 90, deferred: 35,
};

export function paint(state: string, enabled: boolean): string {
  const color = STATE_COLORS[state];
  return enabled && color ? `\u001b[${color}m${state}\u001b[0m` : state;
}
