import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TSX_LOADER } from "../../core/tsx-loader.ts";
import { parserCrashError, parseTimeoutError } from "./import-errors.ts";
import type { FileParseResult, ParseRequest, ParserMessage } from "./protocol.ts";

const WORKER = fileURLToPath(new URL("./parse-worker.ts", import.meta.url));
// A parser process loads tsx and the authoring API before it takes its first file (~1.1 s measured on a 2-core box);
// one that has said nothing after this long is broken, and that is the installation's fault, not any DAG file's.
const STARTUP_TIMEOUT_MS = 60_000;
const STDERR_TAIL_CHARS = 4_000;

export class ParserStartError extends Error {
  readonly code = "DAG_PARSER_START_FAILED";
}

export interface ParseBatchOptions {
  timeoutMs: number;
  /** Aborting kills the parser process; the batch then rejects and nothing of it is reported. */
  signal?: AbortSignal;
}

/**
 * Parses a batch of files in parser processes. A file that takes longer than the timeout, or that kills its process,
 * becomes an import error of its own; the rest of the batch is parsed again in a fresh process. Rejects only when a
 * parser process cannot start at all (or on abort): then no file of the batch is to blame.
 */
export async function parseBatch(files: readonly string[], options: ParseBatchOptions): Promise<FileParseResult[]> {
  const results: FileParseResult[] = [];
  let remaining = [...files];
  while (remaining.length > 0) {
    const outcome = await runParser(remaining, options);
    results.push(...outcome.results);
    const done = new Set(outcome.results.map((r) => r.file));
    remaining = remaining.filter((file) => !done.has(file));
  }
  return results;
}

/** One parser process over `files`, until it finishes, hangs or dies. Always reports at least one file, or rejects. */
function runParser(files: string[], { timeoutMs, signal }: ParseBatchOptions): Promise<{ results: FileParseResult[] }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child: ChildProcess = fork(WORKER, [], { execArgv: ["--import", TSX_LOADER], stdio: ["ignore", "pipe", "pipe", "ipc"] });
    const results: FileParseResult[] = [];
    let current: string | undefined;
    let timedOut = false;
    let finished = false;
    let stderr = "";
    let timer = setTimeout(() => child.kill("SIGKILL"), STARTUP_TIMEOUT_MS);
    const onAbort = () => child.kill("SIGKILL");
    signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout!.resume();
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on("message", (message: ParserMessage) => {
      clearTimeout(timer);
      if (message.type === "parsing") {
        current = message.file;
        timer = setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, timeoutMs);
      } else if (message.type === "parsed") {
        results.push(message.result);
        current = undefined;
      } else {
        finished = true;
      }
    });
    child.on("error", (error) => {
      if (child.pid === undefined) reject(new ParserStartError(`The DAG processor could not start a parser process: ${error.message}`));
      else child.kill("SIGKILL");
    });
    // "close", not "exit": every IPC message the child sent has been delivered by then.
    child.on("close", (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) return reject(signal.reason);
      if (current) {
        const error = timedOut ? parseTimeoutError(current, timeoutMs) : parserCrashError(current, { code, signal: exitSignal }, stderr);
        results.push({ file: current, ok: false, error });
      }
      if (results.length > 0 || finished) return resolve({ results });
      const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
      reject(new ParserStartError(`The DAG processor could not start a parser process (${process.execPath} ${WORKER}): it ${how} before parsing any file.${stderr.trim() ? `\n${stderr.trim()}` : ""}`));
    });
    child.send({ type: "parse", files } satisfies ParseRequest);
  });
}
