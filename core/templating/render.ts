import { compileTemplate, type CompiledTemplate } from "./compile.ts";
import { helperNames } from "./environment.ts";
import type { TemplateLookups } from "./lookups.ts";
import { toNativeValue } from "./native.ts";
import { RENDER_STATE, type RenderState } from "./render-state.ts";
import { mergeReferences } from "./references.ts";
import { resolveLookups } from "./resolve.ts";
import { TemplateError, templateFailure } from "./template-error.ts";
import type { TemplateVariables } from "./variables.ts";

export interface RenderOptions {
  /** Airflow's `render_template_as_native_obj`: see native.ts. */
  native?: boolean;
}

export async function renderTemplate(template: string, vars: TemplateVariables, lookups: TemplateLookups, opts: RenderOptions = {}): Promise<unknown> {
  const [rendered] = await renderStrings([template], vars, lookups, opts);
  return rendered;
}

/**
 * Renders every string inside a value (strings, arrays, plain objects, nested), leaving other values untouched.
 * Look-ups of all its strings are made together, so a variable read by two strings is fetched once.
 */
export async function renderTemplateFields<T>(value: T, vars: TemplateVariables, lookups: TemplateLookups, opts: RenderOptions = {}): Promise<T> {
  const strings: string[] = [];
  collectStrings(value, strings);
  if (strings.length === 0) return value;
  const rendered = await renderStrings(strings, vars, lookups, opts);
  let next = 0;
  return rebuild(value, () => rendered[next++]) as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (isPlainObject(value)) for (const item of Object.values(value)) collectStrings(item, into);
}

/** Rebuilds `value` in the order `collectStrings` walked it, taking each string's rendering from `next`. */
function rebuild(value: unknown, next: () => unknown): unknown {
  if (typeof value === "string") return next();
  if (Array.isArray(value)) return value.map((item) => rebuild(item, next));
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const [key, item] of Object.entries(value)) copy[key] = rebuild(item, next);
    return copy;
  }
  return value;
}

async function renderStrings(sources: readonly string[], vars: TemplateVariables, lookups: TemplateLookups, opts: RenderOptions): Promise<unknown[]> {
  // Text without "{{" has no expression to render; skipping it keeps plain mapped arguments out of the cache.
  const compiled = sources.map((source) => (source.includes("{{") ? compileTemplate(source) : undefined));
  const templates = compiled.filter((template): template is CompiledTemplate => template !== undefined);
  const { context, xcoms } = await resolveLookups(mergeReferences(templates.map((t) => t.references)), vars, lookups);
  return sources.map((source, index) => {
    const template = compiled[index];
    if (!template) return opts.native ? toNativeValue(source) : source;
    return run(template, context, xcoms, opts.native ?? false);
  });
}

function run(template: CompiledTemplate, context: TemplateVariables, xcoms: Map<string, unknown>, native: boolean): unknown {
  const capture = native && template.singleExpression ? { value: undefined as unknown } : undefined;
  const state: RenderState = { xcoms, capture };
  let text: string;
  try {
    text = template.render(context, { data: { [RENDER_STATE]: state } });
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const hint = message.startsWith("Missing helper") ? `. Updraft's helpers are: ${helperNames().join(", ")}.` : "";
    throw templateFailure(template.source, message + hint, { cause: error });
  }
  if (!native) return text;
  // Airflow's native env reads a lone string value as a literal too; a name with no value gives null (None).
  if (capture) return typeof capture.value === "string" ? toNativeValue(capture.value) : (capture.value ?? null);
  return toNativeValue(text);
}
