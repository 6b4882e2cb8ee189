/** lineage_predict — runs when a new model is trained: scores every customer's features into churn predictions. */
import { readFile } from "node:fs/promises";
import { dag, getCurrentContext, task } from "updraft";
import { predictProba, type LogisticModel } from "updraft/providers/mlops";
import { writeCsv } from "../../shared/csv.ts";
import { churnModel, churnPredictions, customerFeatures, path } from "../lib/datasets.ts";

const predict = task({ inlets: [churnModel, customerFeatures], outlets: [churnPredictions] }, async function predict_churn() {
  const model = JSON.parse(await readFile(path(churnModel), "utf8")) as LogisticModel;
  const table = JSON.parse(await readFile(path(customerFeatures), "utf8")) as { rows: Array<{ customer_id: string; x: number[] }> };
  const scores = predictProba(model, table.rows.map((r) => r.x));
  const rows = table.rows.map((r, i) => ({ customer_id: r.customer_id, churn_probability: Math.round(scores[i] * 1e4) / 1e4 }));
  await writeCsv(path(churnPredictions), ["customer_id", "churn_probability"], rows);
  getCurrentContext().log.info(`${rows.length} predictions; ${rows.filter((r) => r.churn_probability >= 0.5).length} customers likely to churn.`);
  return rows.length;
});

export default dag(
  { dagId: "lineage_predict", description: "churn model + features → predictions", schedule: [churnModel], startDate: "2024-01-01", catchup: false, tags: ["examples", "lineage"] },
  () => {
    predict();
  },
);
