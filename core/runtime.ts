import type { TaskContext, XComPullArgs } from "./context.ts";
import type { ConnectionInfo } from "./types.ts";

/**
 * How a running task reaches state. The in-process runner (`dags test`) implements it over memory; task runners
 * implement it over the execution API. Operators never see the store itself.
 */
export interface TaskRuntime {
  xcomPush(key: string, value: unknown): Promise<void>;
  xcomPull(args: XComPullArgs): Promise<unknown>;
  getVariable(key: string): Promise<string | undefined>;
  getConnection(connId: string): Promise<ConnectionInfo | undefined>;
  /** Sets the unfinished TIs of these tasks in this run (with this map index, or all when -1) to skipped. */
  skipTasks(taskIds: readonly string[], mapIndex: number): Promise<void>;
}

const runtimes = new WeakMap<TaskContext, TaskRuntime>();

export function bindRuntime(context: TaskContext, runtime: TaskRuntime): void {
  runtimes.set(context, runtime);
}

export function runtimeOf(context: TaskContext): TaskRuntime {
  const runtime = runtimes.get(context);
  if (!runtime) throw new Error("This context is not bound to a running task instance.");
  return runtime;
}
