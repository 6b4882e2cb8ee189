import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { ApiRequest, ApiResponse, FinishRequest, StartResponse } from "../webserver/execution-api/protocol.ts";
import type { Workload } from "./executor.ts";

/**
 * Executor → runner: a workload to run (`started` when the executor started the try already), or the answer to an
 * execution API call made over the pipe.
 */
export type RunnerMessage = { type: "run"; workload: Workload; started?: StartResponse } | RunnerApiReply;

export type RunnerApiReply = { type: "api-reply"; id: number; response: ApiResponse };

/**
 * Runner → executor. The TI's state is reported to the execution API; `done` frees the runner, and over the pipe carries
 * the try's outcome for the executor to record (`finish`). `api` is an execution API call over the pipe
 * (see api-transport.ts).
 */
export type RunnerReply =
  | { type: "ready" }
  | { type: "api"; id: number; request: ApiRequest }
  | { type: "done"; key: TiKey; tryNumber: number; outcome: string; error?: string; finish?: FinishRequest };
