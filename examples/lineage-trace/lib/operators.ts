import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { BaseOperator, openlineage, type TaskContext, type TaskOptions } from "updraft";
import { readFileBatch } from "updraft/providers/mlops";
import { logLoss, predictProba, trainLogisticRegression } from "updraft/providers/mlops";

export const FEATURES = ["tenure_months", "monthly_spend", "support_tickets"];

/**
 * Builds the feature table from a cleaned CSV. Lineage finds its input through the `filepath` field (as it does for
 * file operators) and its output, with the table's schema, through getOpenLineageFacetsOnComplete.
 */
export class BuildFeaturesOperator extends BaseOperator<number> implements openlineage.OpenLineageAware {
  filepath: string;
  featuresPath: string;
  constructor(options: TaskOptions & { filepath: string; featuresPath: string }) {
    super(options);
    this.filepath = options.filepath;
    this.featuresPath = options.featuresPath;
  }
  override async execute(context: TaskContext): Promise<number> {
    const { rows } = await readFileBatch(this.filepath);
    const stats = FEATURES.map((f) => {
      const values = rows.map((r) => Number(r[f]));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { feature: f, mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) || 1 };
    });
    const table = rows.map((r) => ({ customer_id: String(r.customer_id), x: stats.map((s) => (Number(r[s.feature]) - s.mean) / s.std), label: Number(r.churned) }));
    await mkdir(dirname(this.featuresPath), { recursive: true });
    await writeFile(this.featuresPath, JSON.stringify({ features: FEATURES, scaling: stats, rows: table }));
    context.log.info(`${table.length} feature rows written to ${this.featuresPath}`);
    return table.length;
  }
  getOpenLineageFacetsOnComplete(): openlineage.OperatorLineage {
    return {
      outputs: [{
        namespace: "file", name: this.featuresPath,
        facets: { schema: openlineage.schemaFacet([{ name: "customer_id", type: "string" }, ...FEATURES.map((name) => ({ name, type: "double" })), { name: "label", type: "integer" }]) },
      }],
    };
  }
}

/** Trains the churn model on the feature table; its output is a dataset of type MODEL in lineage. */
export class TrainModelOperator extends BaseOperator<{ loss: number }> implements openlineage.OpenLineageAware {
  featuresPath: string;
  modelPath: string;
  constructor(options: TaskOptions & { featuresPath: string; modelPath: string }) {
    super(options);
    this.featuresPath = options.featuresPath;
    this.modelPath = options.modelPath;
  }
  override async execute(context: TaskContext) {
    const table = JSON.parse(await readFile(this.featuresPath, "utf8")) as { features: string[]; scaling: unknown; rows: Array<{ x: number[]; label: number }> };
    const x = table.rows.map((r) => r.x);
    const y = table.rows.map((r) => r.label);
    const model = trainLogisticRegression(table.features, x, y);
    const loss = logLoss(y, predictProba(model, x));
    await mkdir(dirname(this.modelPath), { recursive: true });
    await writeFile(this.modelPath, JSON.stringify({ ...model, scaling: table.scaling }, null, 2));
    context.log.info(`Model trained on ${table.rows.length} rows (log loss ${loss.toFixed(4)}), saved to ${this.modelPath}`);
    return { loss };
  }
  getOpenLineageFacetsOnComplete(): openlineage.OperatorLineage {
    return {
      inputs: [{ namespace: "file", name: this.featuresPath }],
      outputs: [{ namespace: "file", name: this.modelPath, facets: { datasetType: openlineage.datasetTypeFacet("MODEL") } }],
    };
  }
}
