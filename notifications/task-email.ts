import { hostname } from "node:os";
import type { BaseOperator } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import { runtimeOf } from "../core/runtime.ts";
import { defaultSmtpConnId } from "../providers/smtp/connection.ts";
import { sendEmail } from "../providers/smtp/send-email.ts";
import { renderWithContext } from "./render.ts";
import { taskEmailTemplates } from "./task-email-templates.ts";

export type AlertState = "failed" | "up_for_retry";

function webserverUrl(): string {
  return (process.env.UPDRAFT_WEBSERVER_BASE_URL ?? process.env.AIRFLOW__WEBSERVER__BASE_URL ?? "http://localhost:8080").replace(/\/$/, "");
}

/** The variables Airflow's alert templates use, beside the full template context. */
export function alertEmailVariables(context: TaskContext, state: AlertState): Record<string, unknown> {
  const { ti } = context;
  const base = webserverUrl();
  const query = `dag_run_id=${encodeURIComponent(ti.runId)}&task_id=${encodeURIComponent(ti.taskId)}`;
  const mapSuffix = ti.mapIndex >= 0 ? ` map_index=${ti.mapIndex}` : "";
  return {
    ti_repr: `<TaskInstance: ${ti.dagId}.${ti.taskId} ${ti.runId}${mapSuffix} [${state}]>`,
    try_number: ti.tryNumber,
    total_tries: ti.maxTries + 1,
    log_url: `${base}/dags/${encodeURIComponent(ti.dagId)}/grid?${query}&tab=logs`,
    mark_success_url: `${base}/dags/${encodeURIComponent(ti.dagId)}/grid?${query}&tab=details`,
    hostname: hostname(),
  };
}

/**
 * Airflow's email_on_failure / email_on_retry: when a try fails or goes up for retry and the task has `email`, the
 * alert goes to those addresses through the default SMTP connection. Never throws: a failed send is logged once and
 * the task's outcome stays what it is. Without the connection (e.g. under `dags test`) the log says where the email
 * would have gone.
 */
export async function sendTaskAlertEmail(task: BaseOperator, context: TaskContext, state: AlertState): Promise<void> {
  const wanted = state === "failed" ? task.emailOnFailure : task.emailOnRetry;
  if (!wanted || task.email.length === 0) return;
  const connId = defaultSmtpConnId();
  const to = task.email.join(", ");
  try {
    const templates = taskEmailTemplates();
    const rendered = await renderWithContext(templates, context, alertEmailVariables(context, state));
    const connection = await runtimeOf(context).getConnection(connId);
    if (!connection) {
      context.log.warn(`Alert email "${rendered.subject}" not sent to ${to}: connection "${connId}" is not defined (set AIRFLOW_CONN_${connId.toUpperCase()} or UPDRAFT_EMAIL_CONN_ID).`);
      return;
    }
    await sendEmail(connection, { to: task.email, subject: rendered.subject, html: rendered.html, text: rendered.text });
    context.log.info(`Alert email "${rendered.subject}" sent to ${to}.`);
  } catch (error) {
    context.log.error(`Alert email to ${to} failed: ${(error as Error).message} (the task's outcome is unchanged)`);
  }
}
