/**
 * phase17_03_governance_workflows — classification, retention and access review as scheduled tasks.
 *
 * Shows: classify_sources tags the raw orders file PII through the lineage API — every dataset made from it
 * (phase17_01's profile and report) is then PII too, by lineage; apply_retention deletes archived exports older than
 * 30 days (each deletion an OpenLineage DROP); access_review reports users, roles and the DAGs that handle PII or
 * Confidential data, with findings, to a JSON file.
 *
 * Run: `updraft standalone`, run phase17_01_openlineage there once (so the lineage exists), then
 *   UPDRAFT_CONN_UPDRAFT_API=http://admin:<password>@localhost:8080 updraft dags test phase17_03_governance_workflows 2024-01-03
 * Without the updraft_api connection, classify_sources and access_review fail saying so; apply_retention still runs.
 */
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dag, getCurrentContext, governance, openlineage, task } from "updraft";
import { DATA_DIR } from "./lib/paths.ts";

const ARCHIVE = join(DATA_DIR, "archive");
const DAY_MS = 86_400_000;

const archiveExports = task(async function archive_exports() {
  await mkdir(ARCHIVE, { recursive: true });
  const now = getCurrentContext().dataIntervalEnd.getTime();
  // Three daily exports: 2, 45 and 400 days old (as of the run's date).
  for (const age of [2, 45, 400]) {
    const path = join(ARCHIVE, `orders_export_${age}d.csv`);
    await writeFile(path, "order_id,amount\n1,10\n");
    const at = new Date(now - age * DAY_MS);
    await utimes(path, at, at);
  }
  return 3;
});

const classifySources = task(async function classify_sources() {
  const api = governance.apiFromConnection(await getCurrentContext().connections.get("updraft_api"));
  const raw = openlineage.datasetFromUri(`file://${join(DATA_DIR, "raw_orders.csv")}`);
  await governance.classifyThroughApi(api, raw, "PII");
  return { classified: `${raw.namespace}:${raw.name}`, tag: "PII" };
});

const accessReview = task(async function access_review() {
  const api = governance.apiFromConnection(await getCurrentContext().connections.get("updraft_api"));
  const review = governance.buildAccessReview(await governance.fetchAccessReviewInput(api), getCurrentContext().dataIntervalEnd);
  await mkdir(DATA_DIR, { recursive: true });
  await writeFile(join(DATA_DIR, "access_review.json"), JSON.stringify(review, null, 2));
  for (const finding of review.findings) getCurrentContext().log.info(`finding: ${finding}`);
  return { users: review.users.length, sensitiveDatasets: review.sensitiveData.length, findings: review.findings.length };
});

export default dag(
  {
    dagId: "phase17_03_governance_workflows",
    description: "Classifies sources (PII flows downstream by lineage), applies a retention policy, reviews access",
    schedule: "@weekly",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase17", "governance"],
  },
  () => {
    const retention = new governance.RetentionPolicyOperator({ taskId: "apply_retention", path: ARCHIVE, maxAgeDays: 30, pattern: "\\.csv$" });
    archiveExports().then(retention);
    classifySources().then(accessReview());
  },
);
