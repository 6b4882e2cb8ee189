import type { DAG } from "../../core/dag.ts";
import type { InProcessRunOptions } from "../../core/inprocess/run-dag.ts";
import { runDag as runDagForTests } from "../../core/testing/index.ts";

/** `updraft/testing`'s runDag with a fixed logical date, so runs are reproducible. */
export function runDag(dag: DAG, options: InProcessRunOptions = {}) {
  return runDagForTests(dag, { logicalDate: "2024-01-03T00:00:00Z", ...options });
}
