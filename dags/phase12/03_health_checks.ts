/**
 * phase12_03_health_checks — component checks that heal what they can and escalate what they cannot.
 *
 * Shows: one task per component, each checking it, trying a remediation when it fails, and checking again:
 * - `disk_space`: free space where the state lives (purges day-old scratch files when low);
 * - `spool_dir`: the spool directory exists and is writable (creates it — on a first run it heals);
 * - `ingest_lock`: no lock file left by a dead process (removes a stale one);
 * - `updraft`: Updraft's own GET /health when UPDRAFT_HEALTH_URL is set (e.g. http://127.0.0.1:8080/health), else
 *   skipped; nothing to remediate from here, and an API that does not answer counts as failing after 5 s.
 * `escalate` keeps consecutive failures per component in a ledger between runs; a component failing 3 runs in a row
 * (UPDRAFT_PHASE12_ESCALATE_AFTER) is escalated once: an incident line is written and the task fails, so the DAG's
 * failure alerting pages someone. Healthy or healed checks reset the count.
 * State lives in UPDRAFT_PHASE12_STATE_DIR (default: <tmp>/updraft-phase12-health).
 * Run it: `updraft dags test phase12_03_health_checks 2024-01-03` (schedule it every 5 minutes in production).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag, getCurrentContext, task } from "updraft";
import { diskSpaceCheck, runCheck, spoolCheck, staleLockCheck, updraftHealthCheck, type CheckResult } from "./lib/component-checks.ts";
import { recordChecks } from "./lib/escalation-ledger.ts";

const stateDir = () => process.env.UPDRAFT_PHASE12_STATE_DIR || join(tmpdir(), "updraft-phase12-health");

const checkDisk = task(async function checkDisk() {
  return runCheck(diskSpaceCheck(tmpdir(), join(stateDir(), "scratch"), Number(process.env.UPDRAFT_PHASE12_MIN_FREE_PCT ?? 5)));
});

const checkSpool = task(async function checkSpool() {
  return runCheck(spoolCheck(join(stateDir(), "spool")));
});

const checkLock = task(async function checkLock() {
  return runCheck(staleLockCheck(join(stateDir(), "ingest.lock")));
});

const checkUpdraft = task(async function checkUpdraft() {
  return runCheck(updraftHealthCheck(process.env.UPDRAFT_HEALTH_URL));
});

const escalate = task(async function escalate(disk: CheckResult, spool: CheckResult, lock: CheckResult, updraft: CheckResult) {
  const context = getCurrentContext();
  const results = [disk, spool, lock, updraft];
  for (const r of results) context.log.info(`${r.component}: ${r.status} — ${r.detail}${r.actions.length ? ` (${r.actions.join("; ")})` : ""}`);
  const threshold = Number(process.env.UPDRAFT_PHASE12_ESCALATE_AFTER ?? 3);
  const { failures, escalated } = await recordChecks(join(stateDir(), "ledger.json"), join(stateDir(), "incidents.jsonl"), results, threshold, context.runId);
  if (escalated.length) {
    throw new Error(`Escalated after ${threshold} failing runs in a row: ${escalated.map((e) => `${e.component} (${e.detail})`).join("; ")}. See ${join(stateDir(), "incidents.jsonl")}.`);
  }
  return { statuses: Object.fromEntries(results.map((r) => [r.component, r.status])), failures };
});

export default dag(
  { dagId: "phase12_03_health_checks", description: "Component checks that heal what they can and escalate what they cannot", schedule: "*/5 * * * *", startDate: "2024-01-01", catchup: false, tags: ["phase12", "observability"] },
  () => {
    escalate(checkDisk(), checkSpool(), checkLock(), checkUpdraft());
  },
);
