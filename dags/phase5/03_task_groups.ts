/**
 * phase5_03_task_groups — organising tasks.
 *
 * Shows: task groups (ids prefixed with the group id, e.g. `extract.orders`), a nested group
 * (`transform.clean.dedupe`), group-level default args (the `load` group retries twice), and whole groups as
 * dependencies: `extract.then(transform)` links every leaf of `extract` to every root of `transform`.
 */
import { dag, taskGroup, EmptyOperator, BashOperator } from "updraft";

export default dag(
  {
    dagId: "phase5_03_task_groups",
    description: "Task groups: prefixed ids, nesting, group default args, group-to-group dependencies",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase5", "task-groups"],
  },
  () => {
    const start = new EmptyOperator({ taskId: "start" });

    const extract = taskGroup({ groupId: "extract", tooltip: "Pull raw data from every source" }, () => {
      for (const source of ["orders", "customers"]) new BashOperator({ taskId: source, bashCommand: `echo "extract ${source}"` });
    });

    const transform = taskGroup("transform", () => {
      const clean = taskGroup("clean", () => {
        const dedupe = new BashOperator({ taskId: "dedupe", bashCommand: "echo dedupe" });
        const validate = new BashOperator({ taskId: "validate", bashCommand: "echo validate" });
        dedupe.then(validate);
      });
      const enrich = new BashOperator({ taskId: "enrich", bashCommand: "echo enrich" });
      clean.then(enrich);
    });

    const load = taskGroup({ groupId: "load", defaultArgs: { retries: 2, retryDelay: 1 } }, () => {
      new BashOperator({ taskId: "warehouse", bashCommand: "echo load warehouse" });
      new BashOperator({ taskId: "cache", bashCommand: "echo refresh cache" });
    });

    const end = new EmptyOperator({ taskId: "end" });
    start.then(extract).then(transform).then(load).then(end);
  },
);
