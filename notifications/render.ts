import type { TaskContext } from "../core/context.ts";
import { runtimeOf } from "../core/runtime.ts";
import { renderTemplateFields, templateVariables, type TemplateLookups } from "../core/templating/index.ts";

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The error of a failure/retry callback as text ("" elsewhere). */
export function exceptionText(context: TaskContext): string {
  const error = context.exception;
  if (error === undefined || error === null) return "";
  return error instanceof Error ? error.message || error.name : String(error);
}

function lookups(context: TaskContext): TemplateLookups {
  const runtime = runtimeOf(context);
  return {
    variable: (key) => runtime.getVariable(key),
    connection: (connId) => runtime.getConnection(connId),
    xcomPull: (args) => runtime.xcomPull(args),
  };
}

/**
 * Renders every string in `value` with the callback's full template context (Airflow's variables — `ti`, `dag`,
 * `ds`, `params`, `exception`, `reason`… — plus `exception_text` and anything in `extra`).
 */
export async function renderWithContext<T>(value: T, context: TaskContext, extra: Record<string, unknown> = {}): Promise<T> {
  const text = exceptionText(context);
  const variables = { ...templateVariables(context), exception_text: text, exception_html: escapeHtml(text).replaceAll("\n", "<br>"), ...extra };
  return renderTemplateFields(value, variables, lookups(context));
}
