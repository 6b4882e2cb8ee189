import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parse } from "yaml";
import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import { FailTask } from "../../core/errors.ts";
import type { Input } from "../../core/xcom-arg.ts";
import { poolConfigFor } from "../../providers/postgres/connection-config.ts";
import type { Batch } from "./batch.ts";
import { renderValidationReport } from "./report.ts";
import type { ResultFormat } from "./results.ts";
import { readFileBatch, readPostgresBatch } from "./sources.ts";
import { summarize, validate, type ExpectationSuite } from "./validate.ts";

/** Where the batch comes from: a file, or a PostgreSQL table/query through a connection (`postgres_default`). */
export type BatchSource = { path: string } | { table: string; postgresConnId?: string } | { query: string; postgresConnId?: string };

export interface QualityGateOptions extends TaskOptions {
  source: Input<BatchSource>;
  /** The suite itself, or the path of a JSON/YAML suite file. */
  suite: ExpectationSuite | string;
  resultFormat?: ResultFormat;
  /** Write the HTML report here (templated, e.g. "reports/{{ ds }}/orders.html"). */
  reportPath?: string;
  /** false: record the result and succeed even when expectations fail (GE's fail_task_on_validation_failure). */
  failTaskOnValidationFailure?: boolean;
}

export async function loadSuite(suite: ExpectationSuite | string): Promise<ExpectationSuite> {
  if (typeof suite !== "string") return suite;
  const text = await readFile(suite, "utf8").catch(() => {
    throw new Error(`Expectation suite file ${suite} cannot be read.`);
  });
  return (suite.endsWith(".json") ? JSON.parse(text) : parse(text)) as ExpectationSuite;
}

export async function loadBatch(context: TaskContext, source: BatchSource): Promise<Batch> {
  if ("path" in source) return readFileBatch(source.path);
  const { allowExitOnIdle: _pool, idleTimeoutMillis: _idle, max: _max, ...config } = poolConfigFor(await context.connections.get(source.postgresConnId ?? "postgres_default"));
  return readPostgresBatch(config, "table" in source ? { table: source.table } : { query: source.query });
}

/**
 * Validates a batch against an expectation suite (Airflow's GreatExpectationsOperator). Returns the GE-shaped
 * validation result as its XCom; fails the task (without retries: the data will not change by retrying) with a
 * one-line-per-failure summary when an expectation fails.
 */
export class DataQualityGateOperator extends BaseOperator<import("./validate.ts").ValidationResult> {
  static override templateFields = ["source", "suite", "reportPath"];
  source: BatchSource;
  suite: ExpectationSuite | string;
  readonly resultFormat: ResultFormat | undefined;
  reportPath: string | undefined;
  readonly failTaskOnValidationFailure: boolean;

  constructor(options: QualityGateOptions) {
    super(options);
    requireArgument(options.source !== undefined, `DataQualityGateOperator "${options.taskId}" needs a source ({ path } or { table }).`);
    requireArgument(options.suite !== undefined, `DataQualityGateOperator "${options.taskId}" needs a suite.`);
    this.source = options.source as BatchSource;
    this.suite = options.suite;
    this.resultFormat = options.resultFormat;
    this.reportPath = options.reportPath;
    this.failTaskOnValidationFailure = options.failTaskOnValidationFailure ?? true;
  }

  override async execute(context: TaskContext) {
    const batch = await loadBatch(context, this.source);
    const result = validate(batch, await loadSuite(this.suite), { resultFormat: this.resultFormat, runName: context.runId });
    if (this.reportPath) {
      await mkdir(dirname(this.reportPath), { recursive: true });
      await writeFile(this.reportPath, renderValidationReport(result));
      context.log.info(`Validation report written to ${this.reportPath}`);
    }
    const summary = summarize(result);
    context.log.info(summary);
    if (!result.success && this.failTaskOnValidationFailure) throw new FailTask(`Data quality gate failed.\n${summary}`);
    return result;
  }
}
