/**
 * Helpers for testing DAGs (`import { runDag, loadDags } from "updraft/testing"`): load a DAGs folder and assert it
 * has no import errors; run a DAG in process and assert each task's final state and XComs.
 */
import type { DAG } from "../dag.ts";
import { DagBag } from "../dagbag/dagbag.ts";
import { runDagInProcess, type InProcessRunOptions, type InProcessRunResult } from "../inprocess/run-dag.ts";

export { DagBag };
export type { ImportError } from "../dagbag/import-error.ts";

/** Loads every DAG of a folder (default: UPDRAFT_DAGS_FOLDER or ./dags). */
export function loadDags(folder?: string): Promise<DagBag> {
  return DagBag.load(folder);
}

export interface TestRun extends InProcessRunResult {
  /** "task_id" or "task_id[map_index]" → final state */
  states: Record<string, string | null>;
  /** The return value of a task (or of one map index). */
  returnValue(taskId: string, mapIndex?: number): unknown;
  logs: string[];
}

/** Runs one DagRun in this process, as `updraft dags test` does. */
export async function runDag(dag: DAG, options: InProcessRunOptions = {}): Promise<TestRun> {
  const logs: string[] = [];
  const result = await runDagInProcess(dag, {
    ...options,
    onLog: (e) => {
      logs.push(`${e.mapIndex >= 0 ? `${e.taskId}[${e.mapIndex}]` : e.taskId}: ${e.message}`);
      options.onLog?.(e);
    },
  });
  const states: Record<string, string | null> = {};
  for (const ti of result.taskInstances) states[ti.mapIndex >= 0 ? `${ti.taskId}[${ti.mapIndex}]` : ti.taskId] = ti.state;
  return {
    ...result,
    states,
    logs,
    returnValue: (taskId, mapIndex = -1) => result.xcoms[mapIndex >= 0 ? `${taskId}[${mapIndex}]` : taskId]?.return_value,
  };
}
