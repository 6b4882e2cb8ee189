import type { Database } from "../../core/store/database.ts";
import { deactivateMissingFiles } from "./deactivate-missing-files.ts";
import type { ResolvedOptions } from "./options.ts";
import { parseBatch } from "./parse-batch.ts";
import type { FileParseResult } from "./protocol.ts";
import { scanFolder } from "./scan-folder.ts";
import { storeFileResult } from "./store-file-result.ts";

export interface ParseReport {
  filesSeen: number;
  filesParsed: number;
  dagsStored: string[];
  newVersions: string[];
  importErrors: number;
  deactivated: string[];
  durationMs: number;
}

// Files per parser process. Starting one costs ~1.1 s (tsx and the authoring API load), so files share processes;
// a batch this size still lets a hanging file cost the rest of its batch only one more start.
const MAX_BATCH_FILES = 20;

/**
 * One pass over the DAGs folder: forget files that are gone, parse the due ones in parser processes (several at once),
 * and store each file's result in its own transaction, in file order so that which of two files defining one dag id
 * wins does not depend on which parser finished first.
 */
export async function processFolder(db: Database, options: ResolvedOptions, all: boolean, signal: AbortSignal): Promise<ParseReport> {
  const started = performance.now();
  const scan = await scanFolder(db, options.dagsFolder, all);
  const report: ParseReport = { filesSeen: scan.files.size, filesParsed: 0, dagsStored: [], newVersions: [], importErrors: 0, deactivated: [], durationMs: 0 };
  report.deactivated.push(...(await deactivateMissingFiles(db, scan.gone)));

  const stop = new AbortController();
  const batchSignal = AbortSignal.any([signal, stop.signal]);
  const batches = chunk(scan.due, Math.min(MAX_BATCH_FILES, Math.ceil(scan.due.length / options.parsingProcesses)));
  const parsed = limitConcurrency(batches.map((files) => () => parseBatch(files, { timeoutMs: options.parseTimeoutMs, signal: batchSignal })), options.parsingProcesses);
  // Awaited in order below; a later batch failing first must not count as an unhandled rejection meanwhile.
  for (const batch of parsed) batch.catch(() => {});
  try {
    for (const batch of parsed) {
      for (const result of await batch) {
        signal.throwIfAborted();
        await store(db, result, scan.files.get(result.file)!, options, report);
      }
    }
  } finally {
    stop.abort();
    await Promise.allSettled(parsed);
  }
  report.durationMs = performance.now() - started;
  return report;
}

async function store(db: Database, result: FileParseResult, mtimeMs: number, options: ResolvedOptions, report: ParseReport): Promise<void> {
  const outcome = await storeFileResult(db, result, mtimeMs, options.pausedAtCreation);
  report.filesParsed += 1;
  report.dagsStored.push(...outcome.dagIds);
  report.newVersions.push(...outcome.newVersions);
  report.deactivated.push(...outcome.deactivated);
  if (outcome.importError) report.importErrors += 1;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Starts the tasks at most `concurrency` at a time; returns their promises in task order. */
function limitConcurrency<T>(tasks: Array<() => Promise<T>>, concurrency: number): Array<Promise<T>> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return tasks.map(async (task) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  });
}
