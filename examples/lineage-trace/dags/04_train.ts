/** lineage_train — runs when the features are updated: trains the churn model (a MODEL dataset in lineage). */
import { dag } from "updraft";
import { churnModel, customerFeatures, path } from "../lib/datasets.ts";
import { TrainModelOperator } from "../lib/operators.ts";

export default dag(
  { dagId: "lineage_train", description: "features → churn model", schedule: [customerFeatures], startDate: "2024-01-01", catchup: false, tags: ["examples", "lineage"] },
  () => {
    new TrainModelOperator({ taskId: "train_model", featuresPath: path(customerFeatures), modelPath: path(churnModel), outlets: [churnModel] });
  },
);
