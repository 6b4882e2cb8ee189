import type { DAG } from "./dag.ts";
import type { TaskGroup } from "./task-group.ts";

/**
 * The DAG and task group that tasks created right now belong to (Airflow's `with DAG(...)` / `with TaskGroup(...)`).
 * DAG files are imported synchronously, so a plain stack is enough.
 */
const dagStack: DAG[] = [];
const groupStack: TaskGroup[] = [];

/** DAGs constructed while a DAG file is being imported (set by the DAG bag). */
let collecting: DAG[] | undefined;

export function collectCreatedDags<T>(run: () => Promise<T>): Promise<{ result: T; created: DAG[] }> {
  const created: DAG[] = [];
  collecting = created;
  return run().then(
    (result) => {
      collecting = undefined;
      return { result, created };
    },
    (error) => {
      collecting = undefined;
      throw error;
    },
  );
}

export function noteCreatedDag(dag: DAG): void {
  collecting?.push(dag);
}

export function currentDag(): DAG | undefined {
  return dagStack.at(-1);
}

export function currentTaskGroup(): TaskGroup | undefined {
  return groupStack.at(-1);
}

export function withDag<T>(dag: DAG, build: () => T): T {
  dagStack.push(dag);
  try {
    return build();
  } finally {
    dagStack.pop();
  }
}

export function withTaskGroup<T>(group: TaskGroup, build: () => T): T {
  groupStack.push(group);
  try {
    return build();
  } finally {
    groupStack.pop();
  }
}
