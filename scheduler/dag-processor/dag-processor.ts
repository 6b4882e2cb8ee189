import type { Database } from "../../core/store/database.ts";
import { resolveOptions, type DagProcessorOptions, type ResolvedOptions } from "./options.ts";
import { processFolder, type ParseReport } from "./process-folder.ts";
import { recordDagProcessing } from "../../observability/metrics.ts";

export type { DagProcessorOptions } from "./options.ts";
export type { ParseReport } from "./process-folder.ts";
export { latestSerializedDag, type StoredDag } from "../../core/store/queries/serialized-dags.ts";

/**
 * Airflow's DAG processor: keeps the database's DAGs in step with the DAGs folder. User code runs only in the parser
 * processes it forks, each file under a timeout; the scheduler and webserver read what it stores (serialized DAGs,
 * import errors), never the files. Passes of one processor run one after another; several processors may share one
 * PostgreSQL.
 */
export class DagProcessor {
  private readonly options: ResolvedOptions;
  private readonly closing = new AbortController();
  private passes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    options: DagProcessorOptions,
  ) {
    this.options = resolveOptions(options);
  }

  /** One pass over the folder: parse new/changed files (by mtime) in child processes, store results. */
  processOnce(): Promise<ParseReport> {
    return this.enqueue(false);
  }

  /** Re-parse everything regardless of mtime. */
  processAll(): Promise<ParseReport> {
    return this.enqueue(true);
  }

  /** Stops parser processes and waits for the pass in progress to end; nothing half-parsed is stored. */
  async close(): Promise<void> {
    this.closing.abort(new Error("The DAG processor was closed during a pass; the files not stored yet will be parsed by the next one."));
    await this.passes;
  }

  private enqueue(all: boolean): Promise<ParseReport> {
    const pass = this.passes.then(() => {
      this.closing.signal.throwIfAborted();
      return processFolder(this.db, this.options, all, this.closing.signal);
    }).then((report) => (recordDagProcessing(report), report));
    this.passes = pass.catch(() => {});
    return pass;
  }
}
