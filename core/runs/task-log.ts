import { readFile } from "node:fs/promises";
import type { Queryable } from "../store/database.ts";
import { getTaskInstance, listTaskInstances, type TiKey } from "../store/queries/task-instances.ts";
import { didYouMean } from "../suggest.ts";
import { isFinishedTaskState } from "../types.ts";
import { RequestError } from "./request-error.ts";
import { requireDagRun } from "./require-dag.ts";

/** Where the log of a try is (the scheduler's layout under `$UPDRAFT_HOME/logs`, see `logPathFor`). */
export type LogPathFor = (key: TiKey, tryNumber: number) => string;

export interface TaskLog {
  path: string;
  /** The log from byte `from` on. */
  content: string;
  /** Where the next read continues. */
  size: number;
  /** The TI is finished: nothing will be added to this try's log. */
  endOfLog: boolean;
}

/**
 * The log of one try of a TI, read from byte `from` on. 404s say what is missing: the DAG, the run, the task (with the
 * closest task id), a try that never happened, or the file, named by its path.
 */
export async function readTaskLog(db: Queryable, key: TiKey, tryNumber: number, pathFor: LogPathFor, from = 0): Promise<TaskLog> {
  await requireDagRun(db, key.dagId, key.runId);
  const ti = await getTaskInstance(db, key);
  if (!ti) {
    const taskIds = new Set((await listTaskInstances(db, key.dagId, key.runId)).map((t) => t.task_id));
    const what = key.mapIndex >= 0 && taskIds.has(key.taskId) ? `no map index ${key.mapIndex} of task "${key.taskId}"` : `no task "${key.taskId}"`;
    throw new RequestError(404, `Run "${key.runId}" of DAG "${key.dagId}" has ${what}.${didYouMean(key.taskId, taskIds)}`);
  }
  if (!Number.isInteger(tryNumber) || tryNumber < 1 || tryNumber > ti.try_number) {
    const tries = ti.try_number === 0 ? "it has not run yet" : `its tries are 1 to ${ti.try_number}`;
    throw new RequestError(404, `Task "${key.taskId}" of run "${key.runId}" has no try ${tryNumber}: ${tries} (state: ${ti.state ?? "none"}).`);
  }
  const path = pathFor(key, tryNumber);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") {
      throw new RequestError(404, `No log for try ${tryNumber} of task "${key.taskId}" in run "${key.runId}": ${path} does not exist (the try may not have started yet, or ran on another machine).`);
    }
    throw error;
  });
  return {
    path,
    content: bytes.subarray(Math.min(from, bytes.length)).toString("utf8"),
    size: bytes.length,
    endOfLog: tryNumber < ti.try_number || isFinishedTaskState(ti.state),
  };
}
