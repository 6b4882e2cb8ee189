import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Dataset } from "updraft";
import { exampleWorkDir } from "../../shared/work-dir.ts";

/** The pipeline's datasets, one per stage; each DAG is scheduled on the previous stage's. */
export const WORK = exampleWorkDir("lineage-trace");
export const SOURCE_PATH = fileURLToPath(new URL("../data/crm_export.csv", import.meta.url));
export const path = (dataset: Dataset) => new URL(dataset.uri).pathname;

export const crmExport = new Dataset(`file://${SOURCE_PATH}`);
export const rawCustomers = new Dataset(`file://${join(WORK, "raw", "customers.csv")}`);
export const cleanedCustomers = new Dataset(`file://${join(WORK, "cleaned", "customers.csv")}`);
export const customerFeatures = new Dataset(`file://${join(WORK, "features", "customer_features.json")}`);
export const churnModel = new Dataset(`file://${join(WORK, "models", "churn_model.json")}`);
export const churnPredictions = new Dataset(`file://${join(WORK, "predictions", "churn_predictions.csv")}`);
