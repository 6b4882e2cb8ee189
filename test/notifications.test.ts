import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag, EmailOperator, FailTask, task, type DAG } from "updraft";
import { slackNotifier, SlackWebhookOperator, webhookUrl } from "updraft/providers/slack";
import { smtpNotifier } from "updraft/providers/smtp";
import { runDag } from "updraft/testing";
import { parseConnectionValue } from "../core/connection-uri.ts";
import type { ConnectionInfo } from "../core/types.ts";
import { freePort } from "./helpers/free-port.ts";
import { startHttpReceiver, type HttpReceiver } from "./helpers/http-receiver.ts";
import { startSmtpReceiver, type SmtpReceiver } from "./helpers/smtp-receiver.ts";

/** Runs a DAG in process (as `dags test`) with exactly these connections (id → AIRFLOW_CONN_ value). */
function runWith(dagObject: DAG, connections: Record<string, string>) {
  const parsed = new Map(Object.entries(connections).map(([id, value]) => [id, parseConnectionValue(id, value)]));
  return runDag(dagObject, {
    logicalDate: "2024-01-03",
    secrets: { getVariable: async () => undefined, getConnection: async (id): Promise<ConnectionInfo | undefined> => parsed.get(id) },
  });
}

const matching = (logs: string[], pattern: RegExp) => logs.filter((line) => pattern.test(line));

let counter = 0;
const dagId = () => `notifications_${++counter}`;

describe("notifications against real servers", () => {
  let smtp: SmtpReceiver;
  let http: HttpReceiver;
  let closedPort: number;
  /** Accepts SMTP connections and never greets: a hung mail server. */
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  let dir: string;

  beforeAll(async () => {
    smtp = await startSmtpReceiver({ login: { user: "mailer", pass: "s3cret" } });
    http = await startHttpReceiver();
    closedPort = await freePort();
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as { port: number }).port;
    dir = await mkdtemp(join(tmpdir(), "updraft-notify-"));
  });
  afterAll(async () => {
    await smtp?.close();
    await http?.close();
    for (const socket of sockets) socket.destroy();
    silent?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("email_on_failure uses the subject and body templates named by UPDRAFT_EMAIL_*_TEMPLATE", async () => {
    const subject = join(dir, "subject.hbs");
    const html = join(dir, "body.hbs");
    await writeFile(subject, "[{{dag.dag_id}}] {{ti.task_id}} is {{ti_repr}}\n");
    await writeFile(html, "<p>{{exception_html}}</p><p>try {{try_number}}/{{total_tries}} on {{ds}}</p>");
    Object.assign(process.env, { UPDRAFT_EMAIL_SUBJECT_TEMPLATE: subject, UPDRAFT_EMAIL_HTML_CONTENT_TEMPLATE: html });
    const id = dagId();
    try {
      const d = dag({ dagId: id, startDate: "2024-01-01", schedule: null, defaultArgs: { email: "ops@example.com" } }, () => {
        task({ taskId: "breaks" }, async () => {
          throw new FailTask("value <b>out of range</b>");
        })();
      });
      const run = await runWith(d, { smtp_default: smtp.connection() });
      expect(run.states.breaks).toBe("failed");
    } finally {
      delete process.env.UPDRAFT_EMAIL_SUBJECT_TEMPLATE;
      delete process.env.UPDRAFT_EMAIL_HTML_CONTENT_TEMPLATE;
    }
    const [mail] = smtp.bySubject(new RegExp(`^\\[${id}\\]`));
    expect(mail.parsed.subject).toBe(`[${id}] breaks is <TaskInstance: ${id}.breaks manual__2024-01-03T00:00:00+00:00 [failed]>`);
    expect(mail.parsed.html).toContain("<p>value &lt;b&gt;out of range&lt;/b&gt;</p><p>try 1/1 on 2024-01-03</p>");
    expect(mail.rcptTo).toEqual(["ops@example.com"]);
  });

  it("emailOnRetry: false sends only the failure; no `email` sends nothing", async () => {
    const id = dagId();
    const d = dag({ dagId: id, startDate: "2024-01-01", schedule: null }, () => {
      task({ taskId: "quiet", retries: 1, retryDelay: 0, email: ["a@example.com"], emailOnRetry: false }, async () => {
        throw new Error("nope");
      })();
      task({ taskId: "silent", retries: 0 }, async () => {
        throw new Error("nope");
      })();
    });
    await runWith(d, { smtp_default: smtp.connection() });
    expect(smtp.bySubject(new RegExp(`${id}\\.`)).map((m) => m.parsed.subject)).toEqual([
      `Airflow alert: <TaskInstance: ${id}.quiet manual__2024-01-03T00:00:00+00:00 [failed]>`,
    ]);
  });

  it("a wrong SMTP password, a server that is down, and one that never answers: outcomes unchanged, each failure logged once", async () => {
    const id = dagId();
    const conns = {
      smtp_default: smtp.connection({}).replace('"s3cret"', '"wrong"'),
      smtp_down: JSON.stringify({ conn_type: "smtp", host: "127.0.0.1", port: closedPort, extra: { timeout: 2 } }),
      smtp_hung: JSON.stringify({ conn_type: "smtp", host: "127.0.0.1", port: silentPort, extra: { timeout: 1 } }),
    };
    const d = dag({ dagId: id, startDate: "2024-01-01", schedule: null }, () => {
      task({ taskId: "ok_despite_bad_login", email: "ops@example.com", onSuccessCallback: smtpNotifier({ to: "x@example.com", subject: "done {{ds}}" }) }, async () => "fine")();
      task({ taskId: "fails_with_smtp_down", email: "ops@example.com", onFailureCallback: smtpNotifier({ connId: "smtp_down", to: "x@example.com", subject: "s" }) }, async () => {
        throw new FailTask("real failure");
      })();
      task({ taskId: "ok_despite_hung_server", onSuccessCallback: smtpNotifier({ connId: "smtp_hung", to: "x@example.com", subject: "s" }) }, async () => "fine")();
      new EmailOperator({ taskId: "operator_with_server_down", connId: "smtp_down", to: "x@example.com", subject: "s", htmlContent: "b" });
    });
    const run = await runWith(d, conns);
    expect(run.states).toEqual({ ok_despite_bad_login: "success", fails_with_smtp_down: "failed", ok_despite_hung_server: "success", operator_with_server_down: "failed" });
    expect(matching(run.logs, /^ok_despite_bad_login: smtp_notifier failed: .*(Invalid login|Invalid username or password)/)).toHaveLength(1);
    expect(matching(run.logs, /^fails_with_smtp_down: smtp_notifier failed: Could not send the email through 127\.0\.0\.1:\d+ \(connection "smtp_down"\): .*ECONNREFUSED/)).toHaveLength(1);
    // email_on_failure goes through smtp_default, whose password is wrong.
    expect(matching(run.logs, /^fails_with_smtp_down: Alert email to ops@example.com failed: .*Invalid/)).toHaveLength(1);
    expect(matching(run.logs, /^ok_despite_hung_server: smtp_notifier failed: Could not send the email through .*(Greeting never received|timeout)/i), run.logs.join("\n")).toHaveLength(1);
    expect(matching(run.logs, /^operator_with_server_down: Task failed: Could not send the email .*ECONNREFUSED/)).toHaveLength(1);
    expect(run.logs.filter((line) => line.includes("smtp_notifier failed"))).toHaveLength(3);
  });

  it("Slack answering 500 or not at all: the operator fails with the reason, notifiers log it once and change nothing", async () => {
    http.respond("/slack/broken", { status: 500 });
    http.respond("/slack/hung", "hang");
    const id = dagId();
    const d = dag({ dagId: id, startDate: "2024-01-01", schedule: null }, () => {
      task({ taskId: "ok_despite_500", onSuccessCallback: [slackNotifier({ slackWebhookConnId: "slack_broken", text: "a" }), slackNotifier({ text: "second notifier still runs: {{ti.task_id}}" })] }, async () => "fine")();
      task({ taskId: "ok_despite_hang", onSuccessCallback: slackNotifier({ webhookUrl: `${http.url}/slack/hung`, timeoutSeconds: 1, text: "b" }) }, async () => "fine")();
      new SlackWebhookOperator({ taskId: "operator_gets_500", slackWebhookConnId: "slack_broken", text: "c" });
    });
    const run = await runWith(d, { slack_default: http.slackConnection("/slack/ok"), slack_broken: http.slackConnection("/slack/broken") });
    expect(run.states).toEqual({ ok_despite_500: "success", ok_despite_hang: "success", operator_gets_500: "failed" });
    expect(matching(run.logs, /^ok_despite_500: slack_notifier failed: Slack webhook http:\/\/127\.0\.0\.1:\d+\/… refused the message: .*500/)).toHaveLength(1);
    expect(http.at("/slack/ok").map((m) => m.text)).toContain("second notifier still runs: ok_despite_500");
    expect(matching(run.logs, /^ok_despite_hang: slack_notifier failed: .*no answer within 1s/)).toHaveLength(1);
    expect(matching(run.logs, /^operator_gets_500: Task failed: Slack webhook .* refused the message: .*500/)).toHaveLength(1);
    expect(run.logs.filter((line) => line.includes("slack_notifier failed"))).toHaveLength(2);
  });

  it("a DAG-level failure callback notifier sees the run's reason; a list of notifiers all run", async () => {
    const id = dagId();
    const d = dag({
      dagId: id, startDate: "2024-01-01", schedule: null,
      onFailureCallback: [
        slackNotifier({ webhookUrl: `${http.url}/slack/dag`, text: "{{dag.dag_id}} failed: {{reason}}" }),
        smtpNotifier({ to: "lead@example.com", subject: "{{dag.dag_id}} {{reason}}", textContent: "run {{run_id}}" }),
      ],
    }, () => {
      task({ taskId: "boom" }, async () => {
        throw new FailTask("x");
      })();
    });
    const run = await runWith(d, { smtp_default: smtp.connection() });
    expect(run.state).toBe("failed");
    expect(http.at("/slack/dag").map((m) => m.text)).toEqual([`${id} failed: task_failure`]);
    const [mail] = smtp.bySubject(new RegExp(`^${id} task_failure$`));
    expect(mail.parsed.text?.trim()).toBe("run manual__2024-01-03T00:00:00+00:00");
  });
});

describe("Slack webhook connections", () => {
  const conn = (fields: Partial<ConnectionInfo>): ConnectionInfo => ({ connId: "s", connType: "slackwebhook", host: null, login: null, password: null, schema: null, port: null, extra: null, ...fields });
  it("reads the full URL from the password, or the token after the host (default hooks.slack.com/services)", () => {
    expect(webhookUrl(conn({ password: "https://hooks.slack.com/services/T/B/X" }))).toBe("https://hooks.slack.com/services/T/B/X");
    expect(webhookUrl(conn({ password: "T/B/X" }))).toBe("https://hooks.slack.com/services/T/B/X");
    expect(webhookUrl(conn({ host: "http://127.0.0.1", port: 9000, schema: "hooks", password: "/T/B" }))).toBe("http://127.0.0.1:9000/hooks/T/B");
    expect(() => webhookUrl(conn({}))).toThrow(/Connection "s" has no webhook: put the webhook URL \(or its token\) in its password/);
  });
});
