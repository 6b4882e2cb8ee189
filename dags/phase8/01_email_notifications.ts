/**
 * phase8_01_email_notifications — email through an SMTP connection.
 *
 * Shows:
 * - `EmailOperator` sending a templated report (subject, HTML and text bodies, to/cc/bcc) with the file an upstream
 *   task wrote attached (`files` reads its path from XCom).
 * - Airflow's `email` / `emailOnRetry` / `emailOnFailure` task arguments, set once in `defaultArgs`: `flaky_load`
 *   fails its first try (an "up for retry" alert email) and succeeds on its second; `check_quality` fails for good (a
 *   "failed" alert email, Airflow's default subject `Airflow alert: <TaskInstance: … [failed]>`). Subject and bodies
 *   come from handlebars templates you can replace (UPDRAFT_EMAIL_SUBJECT_TEMPLATE, …_HTML_CONTENT_TEMPLATE,
 *   …_TEXT_CONTENT_TEMPLATE: paths of template files).
 * - `smtpNotifier` as an `onFailureCallback`, with its own subject rendered from the callback's context.
 * `finish` (`all_done`) is the leaf, so the run succeeds although `check_quality` failed on purpose.
 *
 * Run it: `updraft dags test phase8_01_email_notifications 2024-01-03`. Without an SMTP server it still runs: the
 * log says where each email would have gone. To send for real, point `smtp_default` at a server, e.g.
 *   AIRFLOW_CONN_SMTP_DEFAULT='{"conn_type":"smtp","host":"localhost","port":1025,"extra":{"starttls":false}}'
 * (a local catcher such as `python3 -m aiosmtpd -n -l localhost:1025`); for a real server add login and password and
 * leave STARTTLS on.
 */
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag, EmailOperator, FailTask, getCurrentContext, task } from "updraft";
import { smtpNotifier } from "updraft/providers/smtp";

const buildReport = task({ taskId: "build_report" }, async function buildReport() {
  const path = join(tmpdir(), `phase8_orders_${getCurrentContext().runId.replace(/[^\w-]/g, "_")}.csv`);
  await writeFile(path, "order_id,amount\n1,120\n2,80\n");
  return path;
});

const flakyLoad = task({ taskId: "flaky_load", retries: 1, retryDelay: 0 }, async function flakyLoad() {
  if (getCurrentContext().ti.tryNumber === 1) throw new Error("warehouse connection reset (transient)");
  return "loaded";
});

const checkQuality = task(
  {
    taskId: "check_quality",
    onFailureCallback: smtpNotifier({
      to: "data-quality@example.com",
      subject: "[quality] {{dag.dag_id}} failed its checks for {{ds}}",
      htmlContent: "<p>Task <b>{{ti.task_id}}</b> failed on try {{ti.try_number}}:</p><pre>{{exception_html}}</pre>",
    }),
  },
  async function checkQuality() {
    throw new FailTask("2 orders have a negative amount");
  },
);

const finish = task({ taskId: "finish", triggerRule: "all_done" }, async function finish() {
  return "done";
});

export default dag(
  {
    dagId: "phase8_01_email_notifications",
    description: "Emails a report, and alerts by email on retries and failures",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase8", "notifications"],
    defaultArgs: { owner: "data-eng", email: ["oncall@example.com"], emailOnFailure: true, emailOnRetry: true },
  },
  () => {
    const send = new EmailOperator({
      taskId: "send_report",
      to: ["team@example.com"],
      cc: "manager@example.com",
      bcc: ["archive@example.com"],
      subject: "Orders report for {{ds}}",
      htmlContent: "<h1>Orders for {{ds}}</h1><p>2 orders, 200.00 in total. The CSV is attached.</p>",
      textContent: "Orders for {{ds}}: 2 orders, 200.00 in total. The CSV is attached.",
      files: ['{{xcom_pull task_ids="build_report"}}'],
    });
    buildReport().then(send);
    const end = finish();
    send.then(end);
    flakyLoad().then(end);
    checkQuality().then(end);
  },
);
