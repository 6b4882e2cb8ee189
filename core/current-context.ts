import { AsyncLocalStorage } from "node:async_hooks";
import type { TaskContext } from "./context.ts";

const storage = new AsyncLocalStorage<TaskContext>();

/** The context of the task running now (Airflow's `get_current_context()`), for TaskFlow functions. */
export function getCurrentContext(): TaskContext {
  const context = storage.getStore();
  if (!context) throw new Error("getCurrentContext() was called outside a running task: call it from inside a task's function.");
  return context;
}

export function runWithContext<T>(context: TaskContext, fn: () => T): T {
  return storage.run(context, fn);
}
