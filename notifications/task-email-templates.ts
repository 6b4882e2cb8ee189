import { readFileSync } from "node:fs";

/** Airflow's default alert subject (`Airflow alert: <TaskInstance: dag.task run [state]>`). */
export const DEFAULT_SUBJECT = "Airflow alert: {{ti_repr}}";

/** Airflow's default HTML body for email_on_failure / email_on_retry. */
export const DEFAULT_HTML = [
  "Try {{try_number}} out of {{total_tries}}<br>",
  "Exception:<br>{{exception_html}}<br>",
  'Log: <a href="{{log_url}}">Link</a><br>',
  "Host: {{hostname}}<br>",
  'Mark success: <a href="{{mark_success_url}}">Link</a><br>',
].join("\n");

export const DEFAULT_TEXT = [
  "Try {{try_number}} out of {{total_tries}}",
  "Exception:",
  "{{exception_text}}",
  "Log: {{log_url}}",
  "Host: {{hostname}}",
  "Mark success: {{mark_success_url}}",
].join("\n");

export interface TaskEmailTemplates {
  subject: string;
  html: string;
  text: string;
}

function fromFile(names: readonly string[], fallback: string): string {
  for (const name of names) {
    const path = process.env[name];
    if (!path) continue;
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`${name} points to ${path}, which cannot be read (${(error as Error).message}); fix the path or unset it.`);
    }
  }
  return fallback;
}

/**
 * The handlebars templates of the alert emails: Airflow's defaults, each replaceable by a file named in
 * `UPDRAFT_EMAIL_{SUBJECT,HTML_CONTENT,TEXT_CONTENT}_TEMPLATE` (or Airflow's `AIRFLOW__EMAIL__SUBJECT_TEMPLATE` and
 * `AIRFLOW__EMAIL__HTML_CONTENT_TEMPLATE`).
 */
export function taskEmailTemplates(): TaskEmailTemplates {
  return {
    subject: fromFile(["UPDRAFT_EMAIL_SUBJECT_TEMPLATE", "AIRFLOW__EMAIL__SUBJECT_TEMPLATE"], DEFAULT_SUBJECT).trim(),
    html: fromFile(["UPDRAFT_EMAIL_HTML_CONTENT_TEMPLATE", "AIRFLOW__EMAIL__HTML_CONTENT_TEMPLATE"], DEFAULT_HTML),
    text: fromFile(["UPDRAFT_EMAIL_TEXT_CONTENT_TEMPLATE"], DEFAULT_TEXT),
  };
}
