/**
 * One in-process run (`dags test`) of a 1,000-task fan-out/fan-in DAG of no-op TaskFlow tasks, with parallelism 16:
 * the cost of Updraft's planning and try execution without any database.
 */
import { dag, task } from "../index.ts";
import { runDagInProcess } from "../core/inprocess/run-dag.ts";
import { measure, report } from "./measure.ts";

const noop = task(async function noop() {
  return null;
});
const fanout = dag({ dagId: "bench_fanout", schedule: null }, () => {
  const start = noop.override({ taskId: "start" })();
  const end = noop.override({ taskId: "end" })();
  for (let i = 0; i < 1000; i++) start.then(noop.override({ taskId: `t${i}` })()).then(end);
});

let state = "";
const figures = await measure(3, async () => {
  state = (await runDagInProcess(fanout, { parallelism: 16 })).state;
});
report("inprocess_fanout_1000", { state, tasks: fanout.tasks.size, tasks_per_s: Math.round((fanout.tasks.size / figures.median_ms) * 1000), ...figures });
