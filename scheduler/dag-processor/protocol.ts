/**
 * What the DAG processor and its parser processes say to each other over IPC. The parent sends one batch of files;
 * the child announces each file before importing it (so a hang or crash is pinned on the right file), then answers
 * with that file's DAGs or its import error, and says `done` after the last one.
 */
import type { ImportError } from "../../core/dagbag/import-error.ts";
import type { SerializedDag } from "../../core/serialization.ts";

/** One file's outcome: its DAGs, serialized (fileloc set to the file), or why it could not be loaded. */
export type FileParseResult =
  | { file: string; ok: true; dags: SerializedDag[] }
  | { file: string; ok: false; error: ImportError };

export interface ParseRequest {
  type: "parse";
  files: string[];
}

export type ParserMessage =
  | { type: "parsing"; file: string }
  | { type: "parsed"; result: FileParseResult }
  | { type: "done" };
