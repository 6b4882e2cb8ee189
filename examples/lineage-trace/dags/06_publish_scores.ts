/**
 * lineage_publish_scores — runs when new predictions are written: loads them into the warehouse table churn_scores
 * (PostgreSQL, connection `warehouse`). Its SQL is parsed for lineage, so the table joins the trace:
 * churn_scores ← churn_scores_staging + predictions ← … ← crm_export.csv.
 *
 * Needs PostgreSQL: UPDRAFT_CONN_WAREHOUSE=postgres://user:password@127.0.0.1:5432/analytics. Without that
 * connection the task fails at once saying how to add it; the other five DAGs do not need it.
 */
import { dag } from "updraft";
import { churnPredictions, path } from "../lib/datasets.ts";
import { PublishScoresOperator } from "../lib/publish-scores-operator.ts";

export default dag(
  { dagId: "lineage_publish_scores", description: "predictions → warehouse table churn_scores", schedule: [churnPredictions], startDate: "2024-01-01", catchup: false, tags: ["examples", "lineage"] },
  () => {
    new PublishScoresOperator({ taskId: "publish_scores", connId: "warehouse", predictionsPath: path(churnPredictions), inlets: [churnPredictions] });
  },
);
