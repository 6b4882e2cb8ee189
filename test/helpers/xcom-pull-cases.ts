import type { XComPullArgs } from "../../core/context.ts";

/**
 * Airflow's `ti.xcom_pull` within one run, as a table. Expected values were pinned by running the same pulls in
 * Apache Airflow 2.10.5 (`airflow dags test`) after: `a` returned 1 and pushed "k" = "ka"; `b` returned 2; `m`, mapped
 * over [10, 20, 30], returned its argument except at index 1, where it returned nothing.
 */
export const XCOM_PULL_CASES: Array<{ name: string; args: XComPullArgs; expected: unknown }> = [
  { name: "one task", args: { taskIds: "a" }, expected: 1 },
  { name: "one task, another key", args: { taskIds: "a", key: "k" }, expected: "ka" },
  { name: "two tasks, in the order given", args: { taskIds: ["b", "a"] }, expected: [2, 1] },
  { name: "a mapped task: every index that pushed, in map-index order", args: { taskIds: "m" }, expected: [10, 30] },
  { name: "a mapped task, one index", args: { taskIds: "m", mapIndexes: 2 }, expected: 30 },
  { name: "a mapped task, one index that pushed nothing", args: { taskIds: "m", mapIndexes: 1 }, expected: undefined },
  { name: "a mapped task, a list of indexes, in the order given", args: { taskIds: "m", mapIndexes: [2, 0] }, expected: [30, 10] },
  { name: "a plain and a mapped task", args: { taskIds: ["a", "m"] }, expected: [1, 10, 30] },
  { name: "a key nobody pushed, with a default", args: { taskIds: "a", key: "nope", default: "dflt" }, expected: "dflt" },
  { name: "a list of tasks, a key only one pushed", args: { taskIds: ["a", "b"], key: "k" }, expected: ["ka"] },
  { name: "a list of tasks, nothing found: an empty list, not the default", args: { taskIds: ["a", "b"], key: "nope", default: "dflt" }, expected: [] },
];
