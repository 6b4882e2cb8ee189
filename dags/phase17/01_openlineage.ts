/**
 * phase17_01_openlineage — every task emits OpenLineage events.
 *
 * Shows: each try sends START and COMPLETE (or FAIL) run events, job `<dag_id>.<task_id>`, its parent the DAG run,
 * with inputs and outputs found three ways: `inlets`/`outlets` (extract_orders, publish_report), a file path field
 * (the profiler's `filepath`), and the operator's own `getOpenLineageFacetsOnComplete` (CsvProfileOperator adds the
 * CSV's schema and data-quality metrics). Under the scheduler the events also land in Updraft's own lineage service
 * (UI: Browse → Lineage; API: GET /api/v1/lineage?nodeId=dataset:file:<path>).
 *
 * Run: UPDRAFT_OPENLINEAGE_TRANSPORT='{"type": "file", "log_file_path": "/tmp/ol-events.jsonl"}' \
 *        updraft dags test phase17_01_openlineage 2024-01-03
 * (or UPDRAFT_OPENLINEAGE_URL=http://localhost:5000 to send them to Marquez). Files go to $UPDRAFT_PHASE17_DATA.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dag, Dataset, task } from "updraft";
import { CsvProfileOperator } from "./lib/csv-profile-operator.ts";
import { DATA_DIR, fileUri } from "./lib/paths.ts";

const rawOrders = new Dataset(fileUri("raw_orders.csv"));
const report = new Dataset(fileUri("orders_report.json"));

const extractOrders = task({ outlets: [rawOrders] }, async function extract_orders() {
  await mkdir(DATA_DIR, { recursive: true });
  const rows = ["order_id,customer_email,amount", "1,ann@example.com,120", "2,bob@example.com,80", "3,,42"];
  await writeFile(new URL(rawOrders.uri), `${rows.join("\n")}\n`);
  return rows.length - 1;
});

const publishReport = task({ inlets: [new Dataset(fileUri("orders_profile.json"))], outlets: [report] }, async function publish_report() {
  const profile = JSON.parse(await readFile(`${DATA_DIR}/orders_profile.json`, "utf8")) as { rows: number; columns: Record<string, { nullCount: number }> };
  const summary = { rows: profile.rows, emailsMissing: profile.columns.customer_email.nullCount };
  await writeFile(new URL(report.uri), JSON.stringify(summary));
  return summary;
});

export default dag(
  {
    dagId: "phase17_01_openlineage",
    description: "Emits OpenLineage events from every task: inlets/outlets, file paths and an operator's own facets",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase17", "lineage"],
  },
  () => {
    const profile = new CsvProfileOperator({ taskId: "profile_orders", filepath: `${DATA_DIR}/raw_orders.csv`, profilePath: `${DATA_DIR}/orders_profile.json` });
    extractOrders().then(profile).then(publishReport());
  },
);
