import type { ImportError } from "../../core/dagbag/import-error.ts";

/** The import errors the DAG processor itself raises (the others come from loading the file). */

export function parseTimeoutError(file: string, timeoutMs: number): ImportError {
  const seconds = Number((timeoutMs / 1000).toFixed(3));
  return {
    file, line: null, column: null, kind: "DAG_FILE_PROCESSOR_TIMEOUT",
    message:
      `Parsing ${file} took longer than ${seconds}s (the DAG file processor timeout); it was stopped. ` +
      "Move slow work (network calls, waiting, heavy computation) out of the file's top level into tasks, " +
      "or raise UPDRAFT_DAG_FILE_PROCESSOR_TIMEOUT (seconds).",
  };
}

export function parserCrashError(file: string, exit: { code: number | null; signal: string | null }, stderrTail: string): ImportError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const output = stderrTail.trim() ? ` Its last output:\n${stderrTail.trim()}` : "";
  return {
    file, line: null, column: null, kind: "DAG_FILE_PROCESSOR_CRASH",
    message:
      `The parser process ${how} while loading ${file}. A DAG file must not exit the process or exhaust its memory at ` +
      `import time; fix the file and it will be parsed again.${output}`,
  };
}

export function duplicateDagIdError(file: string, dagId: string, definedIn: string): ImportError {
  return {
    file, line: null, column: null, kind: "DUPLICATE_DAG_ID",
    message: `DAG id "${dagId}" is already defined in ${definedIn}: every DAG needs its own dagId.`,
  };
}
