/**
 * lineage_ingest_raw — first DAG of the lineage-trace example: copies the CRM export into the raw zone.
 * Its outlet (raw customers) triggers lineage_clean, whose outlet triggers lineage_features, then lineage_train,
 * then lineage_predict and lineage_publish_scores (PostgreSQL): six DAGs chained by datasets, each task declaring
 * what it reads and writes.
 *
 * Run the chain under a scheduler: UPDRAFT_DAGS_FOLDER=examples/lineage-trace/dags npx updraft standalone, trigger
 * lineage_ingest_raw, then open Browse → Lineage (or GET /api/v1/lineage?nodeId=dataset:file:<predictions path>).
 * One DAG alone: UPDRAFT_DAGS_FOLDER=examples/lineage-trace/dags npx updraft dags test lineage_ingest_raw 2024-01-03
 */
import { copyFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { dag, task } from "updraft";
import { crmExport, path, rawCustomers, SOURCE_PATH } from "../lib/datasets.ts";

const ingest = task({ inlets: [crmExport], outlets: [rawCustomers] }, async function ingest_crm_export() {
  await mkdir(dirname(path(rawCustomers)), { recursive: true });
  await copyFile(SOURCE_PATH, path(rawCustomers));
  return path(rawCustomers);
});

export default dag(
  { dagId: "lineage_ingest_raw", description: "CRM export → raw customers", schedule: null, startDate: "2024-01-01", catchup: false, tags: ["examples", "lineage"] },
  () => {
    ingest();
  },
);
