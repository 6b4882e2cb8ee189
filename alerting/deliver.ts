import type { TaskContext } from "../core/context.ts";
import { sendEmail } from "../providers/smtp/send-email.ts";
import { defaultSmtpConnId } from "../providers/smtp/connection.ts";
import { taskAlertBlocks } from "../providers/slack/blocks.ts";
import { webhookTimeoutSeconds, webhookUrl, postToWebhook } from "../providers/slack/webhook.ts";
import { renderWithContext } from "../notifications/render.ts";
import type { RoutingConfig, SlackTarget } from "./config.ts";
import { pageOnCall, pagerDutyEndpoint } from "./pagerduty.ts";
import type { Route } from "./route.ts";
import type { Severity } from "./severity.ts";

/** One alert, ready to send: what each destination is told. */
export interface Alert {
  key: string;
  severity: Severity;
  route: Route;
  summary: string;
  /** Extra lines (failure count, escalation) shown under the summary. */
  details: string[];
}

/** A destination and how to reach it; each is sent on its own so one failing never stops another. */
export interface Delivery {
  what: string;
  send: () => Promise<void>;
}

async function slackTo(target: SlackTarget, context: TaskContext, alert: Alert, timeoutSeconds: number): Promise<void> {
  let url = target;
  let timeout = timeoutSeconds;
  if (!/^https?:\/\//.test(target)) {
    const connection = await context.connections.get(target);
    url = webhookUrl(connection);
    timeout = Math.min(timeoutSeconds, webhookTimeoutSeconds(connection));
  }
  const blocks = await renderWithContext(taskAlertBlocks({ title: `[${alert.severity}] ${alert.summary}` }), context);
  await postToWebhook(url, { text: `[${alert.severity}] ${alert.summary}\n${alert.details.join("\n")}`, blocks }, timeout);
}

async function emailTo(to: string[], config: RoutingConfig, context: TaskContext, alert: Alert, timeoutSeconds: number): Promise<void> {
  const connId = config.smtpConnId ?? defaultSmtpConnId();
  const defined = await context.connections.get(connId);
  // The router's bound applies to SMTP too, so every destination reports before the whole alert is abandoned.
  const timeout = Math.min(Number(defined.extra?.timeout ?? timeoutSeconds) || timeoutSeconds, timeoutSeconds);
  const connection = { ...defined, extra: { ...defined.extra, timeout } };
  const html = await renderWithContext(
    `<p><b>[${alert.severity}] ${alert.summary}</b></p><p>${alert.details.join("<br>")}</p><pre>{{exception_html}}</pre>`
      + "<p>DAG {{dag.dag_id}}, task {{ti.task_id}}, run {{run_id}}, try {{ti.try_number}}</p>",
    context,
  );
  await sendEmail(connection, { to, subject: `[${alert.severity}] ${alert.summary}`, html });
}

/** Where an alert of its severity goes: P1 on-call + incident channel + leadership; P2 channel + team email; P3 channel. */
export function deliveriesFor(alert: Alert, config: RoutingConfig, context: TaskContext, timeoutSeconds: number): Delivery[] {
  const team = alert.route.teamConfig;
  const out: Delivery[] = [];
  const slack = (what: string, target: SlackTarget | null) => {
    if (target) out.push({ what, send: () => slackTo(target, context, alert, timeoutSeconds) });
  };
  const email = (what: string, to: string[]) => {
    if (to.length) out.push({ what: `${what} (${to.join(", ")})`, send: () => emailTo(to, config, context, alert, timeoutSeconds) });
  };
  if (alert.severity === "P1") {
    const pagerduty = config.pagerduty;
    if (pagerduty) {
      out.push({
        what: "on-call page",
        send: async () => pageOnCall(await pagerDutyEndpoint(pagerduty, context), {
          summary: `[P1] ${alert.summary}`, dedupKey: `updraft/${alert.key}`, source: "updraft", component: context.dag.dagId,
          group: alert.route.team, eventClass: context.ti.taskId,
          customDetails: { dag_id: context.dag.dagId, task_id: context.ti.taskId, run_id: context.runId, try_number: context.ti.tryNumber, details: alert.details },
          links: [],
        }, timeoutSeconds),
      });
    }
    slack("incident channel", config.incidentChannel);
    email("leadership email", config.leadershipEmail);
  } else if (alert.severity === "P2") {
    slack(`team ${alert.route.team} channel`, team.channel);
    email(`team ${alert.route.team} email`, team.email);
  } else if (alert.severity === "P3") {
    slack(`team ${alert.route.team} channel`, team.channel);
  }
  return out;
}
