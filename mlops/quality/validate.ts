import { randomUUID } from "node:crypto";
import { AGGREGATE_EXPECTATIONS } from "./aggregate-expectations.ts";
import type { Batch } from "./batch.ts";
import type { ExpectationImpl, Kwargs } from "./expectation.ts";
import { MAP_EXPECTATIONS } from "./map-expectations.ts";
import { formatOptions, type ResultFormat } from "./results.ts";
import { TABLE_EXPECTATIONS } from "./table-expectations.ts";

export const EXPECTATIONS: Record<string, ExpectationImpl> = { ...TABLE_EXPECTATIONS, ...MAP_EXPECTATIONS, ...AGGREGATE_EXPECTATIONS };

/** One expectation of a suite. GE 0.18 suites spell `type` as `expectation_type`; both are read. */
export interface ExpectationConfig { type?: string; expectation_type?: string; kwargs: Kwargs; meta?: Record<string, unknown>; id?: string }
export interface ExpectationSuite { name?: string; expectation_suite_name?: string; expectations: ExpectationConfig[]; meta?: Record<string, unknown> }

export interface ExpectationValidationResult {
  success: boolean;
  expectation_config: { type: string; kwargs: Kwargs; meta: Record<string, unknown>; id: string };
  result: Record<string, unknown>;
  meta: Record<string, unknown>;
  exception_info: { raised_exception: boolean; exception_message: string | null; exception_traceback: string | null };
}

export interface ValidationResult {
  success: boolean;
  suite_name: string;
  suite_parameters: Record<string, unknown>;
  statistics: { evaluated_expectations: number; successful_expectations: number; unsuccessful_expectations: number; success_percent: number | null };
  results: ExpectationValidationResult[];
  meta: { great_expectations_version: string; batch_spec: { source: string }; validation_time: string; run_id: { run_name: string | null; run_time: string } };
  batch_id: string;
  id: string;
}

/** Checks a suite's shape before running it, so a typo'd expectation name is reported with the known ones. */
export function checkSuite(suite: ExpectationSuite): string[] {
  const problems: string[] = [];
  if (!Array.isArray(suite?.expectations)) return ["the suite has no \"expectations\" list"];
  suite.expectations.forEach((config, i) => {
    const type = config.type ?? config.expectation_type;
    if (!type) problems.push(`expectation #${i + 1} has no "type"`);
    else if (!EXPECTATIONS[type]) problems.push(`expectation #${i + 1} "${type}" is not supported`);
    if (config.kwargs !== undefined && (typeof config.kwargs !== "object" || config.kwargs === null)) problems.push(`expectation #${i + 1} has non-object kwargs`);
  });
  return problems;
}

/**
 * Runs every expectation of the suite on the batch (GE's Validator). With `catch_exceptions` (default true) an
 * expectation that errors fails alone, with its exception_info filled; the others still run.
 */
export function validate(batch: Batch, suite: ExpectationSuite, options: { resultFormat?: ResultFormat; runName?: string } = {}): ValidationResult {
  const problems = checkSuite(suite);
  if (problems.length) throw new Error(`Invalid expectation suite "${suite?.name ?? suite?.expectation_suite_name ?? "?"}": ${problems.join("; ")}. Supported: ${Object.keys(EXPECTATIONS).sort().join(", ")}.`);
  const results = suite.expectations.map((config): ExpectationValidationResult => {
    const type = (config.type ?? config.expectation_type)!;
    const kwargs = config.kwargs ?? {};
    const base = { expectation_config: { type, kwargs, meta: config.meta ?? {}, id: config.id ?? randomUUID() }, meta: {} };
    try {
      const format = formatOptions((kwargs.result_format as ResultFormat | undefined) ?? options.resultFormat);
      const { success, result } = EXPECTATIONS[type](batch, kwargs, format);
      return { ...base, success, result, exception_info: { raised_exception: false, exception_message: null, exception_traceback: null } };
    } catch (error) {
      if (kwargs.catch_exceptions === false) throw error;
      const message = (error as Error).message;
      return { ...base, success: false, result: {}, exception_info: { raised_exception: true, exception_message: message, exception_traceback: (error as Error).stack ?? message } };
    }
  });
  const successful = results.filter((r) => r.success).length;
  const now = new Date().toISOString();
  return {
    success: results.every((r) => r.success),
    suite_name: suite.name ?? suite.expectation_suite_name ?? "default",
    suite_parameters: {},
    statistics: {
      evaluated_expectations: results.length,
      successful_expectations: successful,
      unsuccessful_expectations: results.length - successful,
      success_percent: results.length ? (successful / results.length) * 100 : null,
    },
    results,
    meta: { great_expectations_version: "1.x (updraft)", batch_spec: { source: batch.source }, validation_time: now, run_id: { run_name: options.runName ?? null, run_time: now } },
    batch_id: batch.source,
    id: randomUUID(),
  };
}

/** One line per failed expectation, for logs and the failing task's message. */
export function summarize(result: ValidationResult): string {
  const { evaluated_expectations: n, successful_expectations: ok } = result.statistics;
  const lines = [`Suite "${result.suite_name}" on ${result.meta.batch_spec.source}: ${ok}/${n} expectations passed.`];
  for (const r of result.results.filter((x) => !x.success)) {
    const column = r.expectation_config.kwargs.column ? ` on "${String(r.expectation_config.kwargs.column)}"` : "";
    let detail: string;
    if (r.exception_info.raised_exception) detail = `error: ${r.exception_info.exception_message}`;
    else if ("unexpected_count" in r.result) {
      const sample = (r.result.partial_unexpected_list as unknown[] | undefined)?.slice(0, 5).map((v) => JSON.stringify(v)).join(", ");
      detail = `${r.result.unexpected_count} unexpected of ${r.result.element_count} (${Number(r.result.unexpected_percent).toFixed(2)}%)${sample ? `, e.g. ${sample}` : ""}`;
    } else detail = `observed ${JSON.stringify(r.result.observed_value ?? null)}`;
    lines.push(`  ✗ ${r.expectation_config.type}${column}: ${detail}`);
  }
  return lines.join("\n");
}
