/** lineage_features — runs when cleaned customers are updated: standardised features for training and scoring. */
import { dag } from "updraft";
import { cleanedCustomers, customerFeatures, path } from "../lib/datasets.ts";
import { BuildFeaturesOperator } from "../lib/operators.ts";

export default dag(
  { dagId: "lineage_features", description: "cleaned customers → features", schedule: [cleanedCustomers], startDate: "2024-01-01", catchup: false, tags: ["examples", "lineage"] },
  () => {
    // The outlet is what triggers lineage_train; lineage itself comes from `filepath` and the operator's facets.
    new BuildFeaturesOperator({ taskId: "build_features", filepath: path(cleanedCustomers), featuresPath: path(customerFeatures), outlets: [customerFeatures] });
  },
);
