import type { ApiRequest, ApiResponse } from "../webserver/execution-api/protocol.ts";
import { EXECUTION_API_PREFIX } from "../webserver/execution-api/protocol.ts";
import { httpJson } from "./http-json.ts";
import type { RunnerApiReply, RunnerReply } from "./runner-protocol.ts";

/** Carries execution API calls from a runner to the API. */
export type ApiTransport = (request: ApiRequest) => Promise<ApiResponse>;

/** Set by the local executor in its runners' environment when it answers their calls itself, over their IPC pipe. */
export const IPC_TRANSPORT_ENV = "UPDRAFT_EXECUTION_API_TRANSPORT";

/**
 * Through the pipe, a runner does not call finish itself: its `done` message carries the outcome and the executor
 * records it (one message instead of three per try).
 */
export function finishesThroughExecutor(): boolean {
  return process.env[IPC_TRANSPORT_ENV] === "ipc" && process.send !== undefined;
}

/** The transport this process should use: its parent's pipe when the local executor offers it, else HTTP to `apiUrl`. */
export function transportFor(apiUrl: string): ApiTransport {
  return finishesThroughExecutor() ? ipcTransport() : httpTransport(apiUrl);
}

export function httpTransport(apiUrl: string): ApiTransport {
  const base = `${apiUrl.replace(/\/$/, "")}${EXECUTION_API_PREFIX}`;
  return async ({ method, path, authorization, body }) => {
    const { status, text } = await httpJson(method, `${base}${path}`, { authorization }, method === "GET" ? undefined : body);
    return { status, body: text ? JSON.parse(text) : null };
  };
}

const pending = new Map<number, (response: ApiResponse) => void>();
let nextId = 0;
let listening = false;

/**
 * Calls through the IPC pipe the runner already has to its executor: one message each way, no HTTP to parse on either
 * side (two HTTP calls per try were a fifth of a no-op task's CPU across both processes, dev machine, 2026-12-02).
 */
export function ipcTransport(): ApiTransport {
  if (!listening) {
    listening = true;
    process.on("message", (message: RunnerApiReply | { type: string }) => {
      if (message.type !== "api-reply") return;
      const reply = message as RunnerApiReply;
      pending.get(reply.id)?.(reply.response);
      pending.delete(reply.id);
    });
  }
  return (request) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, resolve);
      process.send!({ type: "api", id, request } satisfies RunnerReply, (error: Error | null) => {
        if (!error) return;
        pending.delete(id);
        reject(new Error(`The executor's pipe is closed: ${error.message}`));
      });
    });
}
