import type { TaskLogger } from "../context.ts";
import type { TaskRuntime } from "../runtime.ts";
import type { ConnectionInfo } from "../types.ts";
import { secretsMasker } from "./secrets-masker.ts";

/** Learns what a connection holds that is secret: its password, and its extra's sensitive fields. */
export function learnConnection(connection: ConnectionInfo | undefined): void {
  if (!connection) return;
  secretsMasker.add(connection.password);
  if (connection.extra) secretsMasker.add(connection.extra);
}

/** A runtime that teaches the masker every secret the task reads, as Airflow's Connection/Variable.get do. */
export function maskingRuntime(runtime: TaskRuntime): TaskRuntime {
  const getVariable = async (key: string) => {
    const value = await runtime.getVariable(key);
    if (value !== undefined) {
      secretsMasker.add(value, key);
      try {
        secretsMasker.add(JSON.parse(value), key);
      } catch {
        // Not JSON: the string itself was learned above.
      }
    }
    return value;
  };
  const getConnection = async (connId: string) => {
    const connection = await runtime.getConnection(connId);
    learnConnection(connection);
    return connection;
  };
  // A proxy, not a copy: other methods (present and future) reach the runtime itself, bound to it.
  return new Proxy(runtime, {
    get(target, property, receiver) {
      if (property === "getVariable") return getVariable;
      if (property === "getConnection") return getConnection;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A logger whose every message goes through the masker. */
export function maskingLogger(log: TaskLogger): TaskLogger {
  const wrap = (write: (message: string, ...args: unknown[]) => void) => (message: string, ...args: unknown[]) =>
    write(secretsMasker.redact(args.length ? `${message} ${args.map(String).join(" ")}` : message));
  return { info: wrap(log.info), warn: wrap(log.warn), error: wrap(log.error), debug: wrap(log.debug) };
}
