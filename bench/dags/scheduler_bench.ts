/** DAGs for the scheduler benchmarks (bench/scheduler-*.ts). No-op TaskFlow tasks: the figures measure Updraft, not the tasks. */
import { dag, task } from "updraft";

const noop = task(async function noop() {
  return null;
});

export const fanout = dag({ dagId: "bench_fanout_1000", schedule: null, startDate: "2024-01-01", maxActiveTasks: 10_000 }, () => {
  const start = noop.override({ taskId: "start" })();
  const end = noop.override({ taskId: "end" })();
  for (let i = 0; i < 1000; i++) start.then(noop.override({ taskId: `t${i}` })()).then(end);
});

export const chain200 = dag({ dagId: "bench_chain_200", schedule: null, startDate: "2024-01-01" }, () => {
  let previous = noop.override({ taskId: "t0" })();
  for (let i = 1; i < 200; i++) previous = previous.then(noop.override({ taskId: `t${i}` })());
});

export const chain10 = dag({ dagId: "bench_chain_10", schedule: null, startDate: "2024-01-01", maxActiveRuns: 100, maxActiveTasks: 10_000 }, () => {
  let previous = noop.override({ taskId: "t0" })();
  for (let i = 1; i < 10; i++) previous = previous.then(noop.override({ taskId: `t${i}` })());
});
