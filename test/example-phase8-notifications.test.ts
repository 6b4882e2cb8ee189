import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updraft } from "./helpers/cli.ts";
import { startHttpReceiver, type HttpReceiver } from "./helpers/http-receiver.ts";
import { startSmtpReceiver, type SmtpReceiver } from "./helpers/smtp-receiver.ts";

// The phase8 examples run by `updraft dags test`, with their connections pointed at a real SMTP server and an HTTP
// receiver standing in for Slack and PagerDuty; and once with nothing configured, as a first try would be.
/** `updraft dags test <id> 2024-01-03 -o json -v` over the phase8 folder only, with `env` added. */
async function runExample(dagId: string, env: Record<string, string>) {
  const result = await updraft(["dags", "test", dagId, "2024-01-03", "-o", "json", "-v"], { env: { UPDRAFT_DAGS_FOLDER: "dags/phase8", ...env } });
  try {
    return { ...JSON.parse(result.stdout), log: result.stderr } as { state: string; task_instances: Array<{ task_id: string; state: string }>; log: string };
  } catch {
    throw new Error(`dags test ${dagId} did not print one JSON object (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

const statesOf = (run: { task_instances: Array<{ task_id: string; state: string }> }) => Object.fromEntries(run.task_instances.map((ti) => [ti.task_id, ti.state]));

// The phase8 examples run by `updraft dags test`, with their connections pointed at a real SMTP server and an HTTP
// receiver standing in for Slack and PagerDuty; and once with nothing configured, as a first try would be. The four
// runs go at once (each only adds to what the servers received, told apart by path, subject and recipient).
describe("phase8 notification examples", () => {
  let smtp: SmtpReceiver;
  let http: HttpReceiver;
  const runs = {} as Record<"email" | "slack" | "routing" | "unconfigured", Awaited<ReturnType<typeof runExample>>>;

  beforeAll(async () => {
    smtp = await startSmtpReceiver({ login: { user: "mailer", pass: "s3cret" } });
    http = await startHttpReceiver();
    const env = {
      AIRFLOW_CONN_SMTP_DEFAULT: smtp.connection(),
      AIRFLOW_CONN_SLACK_DEFAULT: http.slackConnection("/slack/default"),
      AIRFLOW_CONN_SLACK_OPS: http.slackConnection("/slack/ops"),
      AIRFLOW_CONN_SLACK_FINANCE: http.slackConnection("/slack/finance"),
      AIRFLOW_CONN_SLACK_INCIDENTS: http.slackConnection("/slack/incidents"),
      AIRFLOW_CONN_PAGERDUTY_DEFAULT: JSON.stringify({ conn_type: "pagerduty_events", host: http.url, schema: "pagerduty/v2/enqueue", password: "routing-key-123" }),
    };
    [runs.email, runs.slack, runs.routing, runs.unconfigured] = await Promise.all([
      runExample("phase8_01_email_notifications", env),
      runExample("phase8_02_slack_notifications", env),
      runExample("phase8_03_alert_routing", env),
      // The SMTP server is up, but no connection names it.
      runExample("phase8_01_email_notifications", {}),
    ]);
  }, 90_000);
  afterAll(async () => {
    await smtp?.close();
    await http?.close();
  });

  it("phase8_01 emails the report with its attachment, and alerts on the retry and the failure (STARTTLS, AUTH)", async () => {
    expect(runs.email.state).toBe("success");
    expect(statesOf(runs.email)).toMatchObject({ send_report: "success", flaky_load: "success", check_quality: "failed", finish: "success" });

    expect(smtp.received.length).toBeGreaterThan(0);
    expect(smtp.received.every((m) => m.secure && m.user === "mailer")).toBe(true);
    const [report] = smtp.bySubject(/^Orders report for 2024-01-03$/);
    expect(report.parsed.from?.text).toBe("updraft@example.com");
    expect(report.parsed.to && "text" in report.parsed.to ? report.parsed.to.text : "").toBe("team@example.com");
    expect(report.parsed.cc && "text" in report.parsed.cc ? report.parsed.cc.text : "").toBe("manager@example.com");
    expect(report.parsed.bcc).toBeUndefined();
    expect(report.rcptTo.sort()).toEqual(["archive@example.com", "manager@example.com", "team@example.com"]);
    expect(report.parsed.html).toContain("<h1>Orders for 2024-01-03</h1>");
    expect(report.parsed.text).toContain("Orders for 2024-01-03: 2 orders");
    expect(report.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ["phase8_orders_manual__2024-01-03T00_00_00_00_00.csv", "order_id,amount\n1,120\n2,80\n"],
    ]);

    const retry = smtp.bySubject(/\[up_for_retry\]>$/);
    expect(retry.map((m) => m.parsed.subject)).toEqual([
      "Airflow alert: <TaskInstance: phase8_01_email_notifications.flaky_load manual__2024-01-03T00:00:00+00:00 [up_for_retry]>",
    ]);
    expect(retry[0].rcptTo).toEqual(["oncall@example.com"]);
    expect(retry[0].parsed.html).toContain("Try 1 out of 2<br>");
    expect(retry[0].parsed.html).toContain("warehouse connection reset (transient)");
    const failed = smtp.bySubject(/check_quality .*\[failed\]>$/);
    expect(failed).toHaveLength(1);
    expect(failed[0].parsed.text).toContain("Try 1 out of 1");
    const notified = smtp.bySubject(/^\[quality\]/);
    expect(notified.map((m) => [m.parsed.subject, m.rcptTo])).toEqual([["[quality] phase8_01_email_notifications failed its checks for 2024-01-03", ["data-quality@example.com"]]]);
    expect(notified[0].parsed.html).toContain("<pre>2 orders have a negative amount</pre>");
    expect(smtp.received.filter((m) => m.parsed.subject?.includes("phase8_01") || m.parsed.subject?.startsWith("Orders report"))).toHaveLength(4);
  });

  it("phase8_02 posts the Block Kit summary and both failure notifiers' messages, and the DAG's success callback", async () => {
    expect(runs.slack.state).toBe("success");
    const defaults = http.at("/slack/default");
    const summary = defaults.find((m) => m.text?.startsWith("Daily summary"));
    expect(summary.text).toBe("Daily summary for 2024-01-03: 42 orders");
    expect(summary.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "Daily summary 2024-01-03", emoji: true } });
    expect(summary.blocks[1].fields.map((f: { text: string }) => f.text)).toEqual(["*Orders*\n42", "*Revenue*\n1234.5"]);
    const alert = defaults.find((m) => m.text?.startsWith(":red_circle:"));
    expect(alert.text).toBe(":red_circle: phase8_02_slack_notifications.load_partner_feed failed: partner feed file for today is missing");
    expect(alert.blocks[2].text.text).toBe("```partner feed file for today is missing```");
    expect(http.at("/slack/ops").map((m) => m.text)).toEqual(["ops note: partner feed missing for 2024-01-03 (run manual__2024-01-03T00:00:00+00:00)"]);
    expect(defaults.filter((m) => m.text?.startsWith(":white_check_mark:")).map((m) => m.text)).toEqual([
      ":white_check_mark: phase8_02_slack_notifications run manual__2024-01-03T00:00:00+00:00 finished (success)",
    ]);
    expect(defaults).toHaveLength(3);
  });

  it("phase8_03 sends P2 to the finance team once, escalates the third failure to a P1 page, and P3 to the channel only", async () => {
    expect(runs.routing.state).toBe("success");
    const finance = http.at("/slack/finance").map((m) => m.text.split("\n")[0]);
    expect(finance).toEqual([
      "[P2] Task phase8_03_alert_routing.reconcile_ledger failed in run manual__2024-01-03T00:00:00+00:00 (try 1 of 3)",
      "[P3] Task phase8_03_alert_routing.refresh_rates failed in run manual__2024-01-03T00:00:00+00:00 (try 1 of 2)",
    ]);
    const pages = http.at("/pagerduty/v2/enqueue");
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({
      routing_key: "routing-key-123", event_action: "trigger", dedup_key: "updraft/phase8_03_alert_routing.reconcile_ledger",
      payload: { severity: "critical", source: "updraft", component: "phase8_03_alert_routing", group: "finance", class: "reconcile_ledger" },
    });
    expect(pages[0].payload.summary).toContain("try 3 of 3");
    expect(http.at("/slack/incidents").map((m) => m.text.split("\n")[0])).toEqual([
      "[P1] Task phase8_03_alert_routing.reconcile_ledger failed in run manual__2024-01-03T00:00:00+00:00 (try 3 of 3)",
    ]);
    const routed = smtp.received.filter((m) => m.parsed.subject?.includes("phase8_03"));
    expect(routed.map((m) => [m.rcptTo, m.parsed.subject?.slice(0, 4)])).toEqual([[["finance-data@example.com"], "[P2]"], [["cto@example.com"], "[P1]"]]);
  });

  it("with nothing configured, phase8_01 still succeeds and its log says where each email would have gone", async () => {
    const { state, log } = runs.unconfigured;
    expect(state).toBe("success");
    expect(log).toContain('It would go to team@example.com: "Orders report for 2024-01-03"');
    expect(log.match(/Alert email ".*\[up_for_retry\]>" not sent to oncall@example.com: connection "smtp_default" is not defined/g)).toHaveLength(1);
    expect(log.match(/Alert email ".*\[failed\]>" not sent to oncall@example.com: connection "smtp_default" is not defined/g)).toHaveLength(1);
    expect(log.match(/smtp_notifier failed: connection "smtp_default" is not defined/g)).toHaveLength(1);
  });
});
