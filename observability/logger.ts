import { pino, type Logger } from "pino";
import { formatText } from "./text-format.ts";

/**
 * Structured logs of the long-running processes (scheduler, executor, DAG processor, webserver, worker, triggerer):
 * pino JSON lines, one per event, with the component and, where known, the correlation ids below.
 * UPDRAFT_LOG_FORMAT=json|text (default: text on a terminal, JSON otherwise); UPDRAFT_LOG_LEVEL (default info).
 */
export interface LogFields {
  dag_id?: string;
  run_id?: string;
  task_id?: string;
  try_number?: number;
  map_index?: number;
  level?: "debug" | "info" | "warn" | "error";
  [field: string]: unknown;
}

/** The `log` option of the scheduler, executors and DAG processor: a message and, where known, its ids. */
export type LogFunction = (message: string, fields?: LogFields) => void;

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

export function logFormat(env: NodeJS.ProcessEnv = process.env, tty = Boolean(process.stdout.isTTY)): "json" | "text" {
  const format = env.UPDRAFT_LOG_FORMAT;
  if (format === "json" || format === "text") return format;
  if (format) throw new Error(`UPDRAFT_LOG_FORMAT "${format}" is not a log format: use "json" or "text".`);
  return tty ? "text" : "json";
}

let root: Logger | undefined;

/** The process's root logger, made on first use from the environment; `write` replaces stdout (tests). */
export function rootLogger(write?: (line: string) => void): Logger {
  if (root && !write) return root;
  const level = process.env.UPDRAFT_LOG_LEVEL?.toLowerCase() || "info";
  if (!LEVELS.includes(level)) throw new Error(`UPDRAFT_LOG_LEVEL "${process.env.UPDRAFT_LOG_LEVEL}" is not a level: use one of ${LEVELS.join(", ")}.`);
  const text = logFormat() === "text";
  const out = write ?? ((line: string) => process.stdout.write(line));
  root = pino({ level, base: { pid: process.pid } }, { write: (line: string) => out(text ? formatText(line) : line) });
  return root;
}

/** A logger for one component of this process (`scheduler`, `executor`, `dag-processor`, …). */
export function componentLogger(component: string): Logger {
  return rootLogger().child({ component });
}

/** A `log` option that writes structured records for `component`. */
export function logFunction(component: string, logger: Logger = componentLogger(component)): LogFunction {
  return (message, fields) => {
    if (!fields) return logger.info(message);
    const { level = "info", ...ids } = fields;
    logger[level](ids, message);
  };
}
