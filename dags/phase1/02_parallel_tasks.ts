/**
 * phase1_02_parallel_tasks — fan-out and fan-in.
 *
 * Shows: one task fanning out to three independent tasks (a list on the right of `.then()`), and those three
 * joining again into one (`chain`). The three middle tasks have no dependency on each other, so a scheduler runs
 * them in parallel.
 */
import { dag, EmptyOperator, BashOperator, chain } from "updraft";

export default dag(
  {
    dagId: "phase1_02_parallel_tasks",
    description: "Fan-out/fan-in: three extracts in parallel, then one load",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase1", "fundamentals"],
    defaultArgs: { owner: "updraft" },
  },
  () => {
    const start = new EmptyOperator({ taskId: "start" });
    const sources = ["orders", "customers", "products"].map(
      (source) => new BashOperator({ taskId: `extract_${source}`, bashCommand: `echo "extracting ${source}"; sleep 0.2; echo ${source}` }),
    );
    const load = new BashOperator({ taskId: "load_warehouse", bashCommand: 'echo "loading all sources"' });
    const end = new EmptyOperator({ taskId: "end" });

    start.then(sources);
    chain(sources, load, end);
  },
);
