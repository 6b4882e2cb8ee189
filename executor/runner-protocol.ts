import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { Workload } from "./executor.ts";

/** Executor → runner. */
export type RunnerMessage = { type: "run"; workload: Workload };

/** Runner → executor. The TI's state is reported to the execution API, not here; this only frees the runner. */
export type RunnerReply =
  | { type: "ready" }
  | { type: "done"; key: TiKey; tryNumber: number; outcome: string; error?: string };
