/**
 * phase16_03_audit_compliance — what the audit trail records, and the compliance export.
 *
 * Shows: every read of a connection or variable by a task is recorded with the task instance that made it (DAG,
 * task, run, try) and where the value came from (environment, secrets backend, database); every user action through
 * the REST API, the UI and the CLI is recorded with who, when and from where (address or host). The trail of a period
 * is exported for a review:
 *   updraft audit export --from 2024-01-01 --to 2024-02-01 --format csv audit-january.csv
 *   (or GET /api/v1/auditTrail/export?from=…&to=…&format=csv, with the "Audit Logs" read permission)
 *
 * Run it under the scheduler (`updraft standalone`, then trigger it) so the reads reach the audit log through the
 * execution API; `updraft dags test phase16_03_audit_compliance 2024-01-03` runs it without a database (nothing is
 * recorded then). Set UPDRAFT_VAR_PHASE16_RETENTION_DAYS or `updraft variables set phase16_retention_days 400` to
 * change the retention it reports.
 */
import { dag, getCurrentContext, task } from "updraft";

const readPolicy = task(async function readPolicy() {
  const context = getCurrentContext();
  const days = Number(await context.variables.get("phase16_retention_days", "365"));
  context.log.info(`Audit records are kept ${days} days; this read is itself an audit record.`);
  return { retentionDays: days };
});

const reportReads = task(async function reportReads(policy: { retentionDays: number }) {
  const context = getCurrentContext();
  const owner = await context.variables.get("phase16_data_owner", "compliance@example.com");
  context.log.info(`Export the trail older than ${policy.retentionDays} days for ${owner}: updraft audit export --to <date> --format csv`);
  return { owner, retentionDays: policy.retentionDays };
});

export default dag(
  {
    dagId: "phase16_03_audit_compliance",
    description: "Audited reads of variables, and the compliance export of the audit trail",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase16", "audit"],
  },
  () => {
    reportReads(readPolicy());
  },
);
