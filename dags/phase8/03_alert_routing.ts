/**
 * phase8_03_alert_routing — alerts routed by severity, team, deduplication and escalation, from one YAML file.
 *
 * Shows `alertRouter({ config })` as the failure/retry callback of every task (set in `defaultArgs`), reading
 * `03_alert_routing.yaml` beside this file (without `config`, the router reads the file UPDRAFT_ALERT_ROUTING names):
 * - this DAG is tagged `finance`, so its alerts go to the finance team at P2 (team channel + team email);
 * - `reconcile_ledger` fails all three of its tries: the first failure is sent (P2), the second is a duplicate within
 *   the dedup window and only logged, the third reaches `escalation.after_failures` and goes out as P1 (PagerDuty page
 *   + incident channel + leadership email);
 * - `refresh_rates` routes at P3 (`severity` override: channel only), fails once and then succeeds: the router as its
 *   `onSuccessCallback` closes its failure streak, so its next failure starts afresh.
 * The dedup/escalation state is kept per DAG task in the metadata database (through the execution API), so it holds
 * across tries, runs and worker processes; under `dags test` it is kept in memory for the one run.
 * `finish` (`all_done`) is the leaf, so the run succeeds although `reconcile_ledger` failed on purpose.
 *
 * Run it: `updraft dags test phase8_03_alert_routing 2024-01-03`. Without Slack, SMTP or PagerDuty connections it still
 * runs, and the log says which destination each alert was for and why it was not delivered. Define
 * slack_finance, slack_platform, slack_incidents (slackwebhook), smtp_default and pagerduty_default
 * (`{"conn_type":"pagerduty_events","password":"<integration key>"}`) to deliver for real.
 */
import { fileURLToPath } from "node:url";
import { alertRouter, dag, getCurrentContext, task } from "updraft";

const routing = fileURLToPath(new URL("./03_alert_routing.yaml", import.meta.url));
const router = alertRouter({ config: routing });

const reconcileLedger = task({ taskId: "reconcile_ledger", retries: 2, retryDelay: 0 }, async function reconcileLedger() {
  throw new Error("ledger total differs from the bank statement by 12.40");
});

const refreshRates = task(
  {
    taskId: "refresh_rates",
    retries: 1,
    retryDelay: 0,
    onRetryCallback: alertRouter({ config: routing, severity: "P3" }),
    onSuccessCallback: router,
  },
  async function refreshRates() {
    const { ti } = getCurrentContext();
    if (ti.tryNumber === 1) throw new Error("rates API timed out");
    return { EUR: 1, USD: 1.08 };
  },
);

const finish = task({ taskId: "finish", triggerRule: "all_done" }, async function finish() {
  return "done";
});

export default dag(
  {
    dagId: "phase8_03_alert_routing",
    description: "Routes failures to the right people by severity, with deduplication and escalation",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase8", "finance"],
    defaultArgs: { owner: "finance-data", onFailureCallback: router, onRetryCallback: router },
  },
  () => {
    const end = finish();
    reconcileLedger().then(end);
    refreshRates().then(end);
  },
);
