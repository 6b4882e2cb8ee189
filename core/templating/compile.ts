import Handlebars from "handlebars";
import { COMPILE_OPTIONS, helperNames, templateEnvironment } from "./environment.ts";
import { findReferences, type TemplateReferences } from "./references.ts";
import { wrapOutputs } from "./rewrite.ts";
import { snippet, TemplateError } from "./template-error.ts";

export interface CompiledTemplate {
  source: string;
  render: HandlebarsTemplateDelegate;
  references: TemplateReferences;
  /** The template is one `{{ … }}` and whitespace: native mode returns that expression's value itself. */
  singleExpression: boolean;
}

/**
 * Templates are compiled once per source text: a mapped task renders the same template for each of its TIs.
 * Least-recently used entries are dropped past this bound, because mapped arguments can bring any number of
 * distinct strings. Measured on Node 20: a cached template holds about 20 KB (syntax tree and generated code), so
 * the cache stays near 10 MB; a miss costs about 1 ms to parse and compile again.
 */
const MAX_CACHED_TEMPLATES = 500;
const cache = new Map<string, CompiledTemplate>();

export function compileTemplate(source: string): CompiledTemplate {
  const cached = cache.get(source);
  if (cached) {
    cache.delete(source);
    cache.set(source, cached);
    return cached;
  }
  const compiled = compileUncached(source);
  if (cache.size >= MAX_CACHED_TEMPLATES) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

function compileUncached(source: string): CompiledTemplate {
  let ast: hbs.AST.Program;
  try {
    // Without processing: compile() applies handlebars' whitespace control to the tree it is given.
    ast = Handlebars.parseWithoutProcessing(source);
  } catch (error) {
    throw syntaxError(source, error);
  }
  const references = findReferences(ast, source);
  const singleExpression = isSingleExpression(ast);
  wrapOutputs(ast);
  return { source, render: templateEnvironment.compile(ast, COMPILE_OPTIONS), references, singleExpression };
}

function isSingleExpression(ast: hbs.AST.Program): boolean {
  const meaningful = ast.body.filter((node) => !(node.type === "ContentStatement" && (node as hbs.AST.ContentStatement).value.trim() === ""));
  return meaningful.length === 1 && meaningful[0].type === "MustacheStatement";
}

function syntaxError(source: string, error: unknown): TemplateError {
  const lines = (error instanceof Error ? error.message : String(error)).split("\n");
  const got = /got '([^']+)'/.exec(lines[3] ?? "");
  const where = lines.slice(0, 3).join("\n") + (got ? ` (unexpected ${got[1]})` : "");
  return new TemplateError(`Template ${snippet(source)} has a syntax error: ${where}\n${syntaxHint(source)}`, { cause: error });
}

function syntaxHint(source: string): string {
  const expressions = source.match(/\{\{[^}]*\}\}?/g) ?? [];
  if (expressions.some((text) => /[\w\]]\s*\(/.test(text))) {
    return 'Updraft templates are handlebars, not Jinja: call helpers without parentheses or commas, e.g. {{ds_add ds 7}}, and nest calls in parentheses: {{upper (ds_add ds 7)}}.';
  }
  if (expressions.some((text) => text.includes("|"))) {
    return "Updraft templates are handlebars, not Jinja: filters are helpers written first, e.g. {{ ds | ds_nodash }} is {{ds_nodash ds}}.";
  }
  return `Handlebars syntax: {{ name }}, {{helper arg "text" 7}}, {{#if x}}…{{else}}…{{/if}}, {{#each list}}{{this}}{{/each}}. Helpers: ${helperNames().join(", ")}.`;
}
