import { isHelperName, OUTPUT_HELPER } from "./environment.ts";

/**
 * Rewrites every `{{ x }}` to `{{<output> x}}` and every `{{helper a b}}` to `{{<output> (helper a b)}}`, so the
 * output helper decides how values print (handlebars would print `[object Object]` and JavaScript dates).
 * A bare `{{ name }}` calls a helper where handlebars would: when a helper has that name. Handlebars itself puts
 * block params (`as |upper|`) ahead of helpers, in sub-expressions too.
 */
export function wrapOutputs(program: hbs.AST.Program): void {
  for (const statement of program.body) {
    if (statement.type === "MustacheStatement") wrapMustache(statement as hbs.AST.MustacheStatement);
    else if (statement.type === "BlockStatement") {
      const block = statement as hbs.AST.BlockStatement;
      if (block.program) wrapOutputs(block.program);
      if (block.inverse) wrapOutputs(block.inverse);
    }
  }
}

function wrapMustache(mustache: hbs.AST.MustacheStatement): void {
  // `{{"name"}}` looks a helper up by a literal name; left to handlebars.
  if (mustache.path.type !== "PathExpression") return;
  const path = mustache.path as hbs.AST.PathExpression;
  const callsHelper = mustache.params.length > 0 || (mustache.hash?.pairs.length ?? 0) > 0 || isBareHelper(path);
  const value: hbs.AST.Expression = callsHelper
    ? ({ type: "SubExpression", path, params: mustache.params, hash: mustache.hash, loc: mustache.loc } as hbs.AST.SubExpression)
    : path;
  mustache.path = { type: "PathExpression", data: false, depth: 0, parts: [OUTPUT_HELPER], original: OUTPUT_HELPER, loc: mustache.loc } as hbs.AST.PathExpression;
  mustache.params = [value];
  mustache.hash = undefined as unknown as hbs.AST.Hash;
}

function isBareHelper(path: hbs.AST.PathExpression): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1 && !/^(\.|this\b)/.test(path.original) && isHelperName(path.parts[0]);
}
