import { UpdraftError } from "../errors.ts";

/** A template could not be parsed or rendered. The message names the template, what failed and the fix. */
export class TemplateError extends UpdraftError {
  override readonly code = "TEMPLATE_ERROR" as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super("TEMPLATE_ERROR", message, options);
  }
}

const SNIPPET_LENGTH = 60;

/** The start of a template on one line, quoted, to name it in a message. */
export function snippet(source: string): string {
  const flat = source.replace(/\s+/g, " ").trim();
  return `"${flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat}"`;
}

export function templateFailure(source: string, reason: string, options?: { cause?: unknown }): TemplateError {
  return new TemplateError(`Cannot render template ${snippet(source)}: ${reason}`, options);
}
