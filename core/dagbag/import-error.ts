import { fileURLToPath } from "node:url";
import type { YamlIssue } from "../../dagfactory/issues.ts";

/** A DAG file that could not be loaded: the message a user acts on, and where. */
export interface ImportError {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
  /** The error's name/code (DagDefinitionError, SyntaxError, DAG_CYCLE…), for filtering. */
  kind: string;
  /** A YAML DAG file's problems, each with its own file, line, column, key path and suggestion. */
  issues?: YamlIssue[];
}

/** Turns whatever a DAG file threw into an ImportError, locating the line in that file from the stack. */
export function toImportError(file: string, error: unknown): ImportError {
  const err = error instanceof Error ? error : new Error(String(error));
  const message = cleanMessage(err.message);
  const kind = (err as { code?: string }).code ?? err.name;
  const issues = (err as { issues?: YamlIssue[] }).issues;
  if (Array.isArray(issues)) {
    const here = issues.find((issue) => issue.file === file && issue.line !== null);
    return { file, line: here?.line ?? null, column: here?.column ?? null, message, kind, issues: [...issues] };
  }
  const location = locate(file, err.stack ?? "") ?? locateInMessage(file, message);
  return { file, line: location?.line ?? null, column: location?.column ?? null, message, kind };
}

/** Drops terminal colours and the cache-busting query the DAG bag adds to module URLs. */
function cleanMessage(message: string): string {
  return message.replace(/\u001b\[[0-9;]*m/g, "").replace(/\?mtime=[\d.]+&g=\d+/g, "");
}

/** Transpilers name the file and line in syntax errors: "file.ts:4:13" (relative or absolute). */
function locateInMessage(file: string, message: string): { line: number; column: number } | undefined {
  const name = file.split(/[\\/]/).pop()!;
  const match = new RegExp(`${escapeRegExp(name)}:(\\d+):(\\d+)`).exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

function locate(file: string, stack: string): { line: number; column: number } | undefined {
  for (const raw of stack.split("\n")) {
    const match = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(raw.trim());
    if (!match) continue;
    let path = match[1];
    if (path.startsWith("file://")) {
      try {
        path = fileURLToPath(path.split("?")[0]);
      } catch {
        continue;
      }
    }
    if (path.split("?")[0] === file) return { line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function formatImportError(error: ImportError): string {
  const where = error.line ? `${error.file}:${error.line}${error.column ? `:${error.column}` : ""}` : error.file;
  return `${where}: ${error.message}`;
}
