import { BaseOperator, type TaskOptions } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import { lifecycleStateChangeFacet } from "../lineage/facets.ts";
import { datasetFromUri } from "../lineage/naming.ts";
import type { OperatorLineage } from "../lineage/types.ts";
import { applyRetention, type RetentionReport } from "./retention.ts";

export interface RetentionPolicyOptions extends TaskOptions {
  /** Folder the policy applies to. Templated. */
  path: string;
  maxAgeDays: number;
  /** A regular expression (source) file names must match. */
  pattern?: string;
  dryRun?: boolean;
}

/**
 * A retention-policy task: deletes the files under `path` older than `maxAgeDays` (relative to the run's data
 * interval end, so a backfill applies the policy as of its own date) and returns the report. Each deleted file is an
 * OpenLineage output with a DROP lifecycle facet, so the catalog and the lineage graph learn it is gone.
 */
export class RetentionPolicyOperator extends BaseOperator<RetentionReport> {
  static override templateFields: readonly string[] = ["path"];
  path: string;
  maxAgeDays: number;
  pattern: string | undefined;
  dryRun: boolean;
  private report: RetentionReport | null = null;

  constructor(options: RetentionPolicyOptions) {
    super(options);
    this.path = options.path;
    this.maxAgeDays = options.maxAgeDays;
    this.pattern = options.pattern;
    this.dryRun = options.dryRun ?? false;
  }

  override async execute(context: TaskContext): Promise<RetentionReport> {
    const report = await applyRetention(
      { path: this.path, maxAgeDays: this.maxAgeDays, pattern: this.pattern ? new RegExp(this.pattern) : undefined, dryRun: this.dryRun },
      context.dataIntervalEnd,
    );
    context.log.info(`${this.dryRun ? "Would delete" : "Deleted"} ${report.expired.length} file(s) older than ${report.cutoff} under ${this.path}; kept ${report.kept}.`);
    this.report = report;
    return report;
  }

  getOpenLineageFacetsOnComplete(): OperatorLineage {
    if (!this.report || !this.report.deleted) return {};
    return { outputs: this.report.expired.map((f) => ({ ...datasetFromUri(f.path), facets: { lifecycleStateChange: lifecycleStateChangeFacet("DROP") } })) };
  }
}
