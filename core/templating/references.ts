import { templateFailure } from "./template-error.ts";

/**
 * Variables, connections and XComs a template reads. Handlebars renders synchronously, so these are found in the
 * template's syntax tree and fetched before rendering.
 */
export interface TemplateReferences {
  variables: Map<string, VariableUse>;
  connections: Map<string, ConnectionUse>;
  xcomPulls: XComPullCall[];
}

export interface VariableUse {
  asJson: boolean;
  /** False when every reference is the first argument of `default`: a missing variable then renders the fallback. */
  required: boolean;
  template: string;
}

export interface ConnectionUse {
  /** The password is exposed only to templates that name it (`conn.db.password`), never by `{{ conn.db }}`. */
  password: boolean;
  required: boolean;
  template: string;
}

/** A literal, or the path of a template variable (`params.upstream`) evaluated against the variables. */
export type StaticArgument = { literal: unknown } | { path: string[] };

export interface XComPullCall {
  positional: StaticArgument[];
  named: Record<string, StaticArgument>;
  template: string;
}

export function emptyReferences(): TemplateReferences {
  return { variables: new Map(), connections: new Map(), xcomPulls: [] };
}

type Scope = ReadonlySet<string>;

export function findReferences(ast: hbs.AST.Program, template: string): TemplateReferences {
  const refs = emptyReferences();

  const fail = (reason: string): never => {
    throw templateFailure(template, reason);
  };

  const visitPath = (path: hbs.AST.PathExpression, scope: Scope, optional: boolean): void => {
    const parts = rootParts(path, scope);
    if (!parts || (parts[0] !== "var" && parts[0] !== "conn")) return;
    if (parts[0] === "var") {
      const [, kind, key] = parts;
      if ((kind !== "value" && kind !== "json") || key === undefined) {
        fail(`"${path.original}" does not name a variable: write var.value.<key> for its text or var.json.<key> for its JSON value.`);
      }
      const use = refs.variables.get(key) ?? { asJson: false, required: false, template };
      use.asJson ||= kind === "json";
      if (!optional && !use.required) Object.assign(use, { required: true, template });
      refs.variables.set(key, use);
      return;
    }
    const [, connId, field] = parts;
    if (connId === undefined) fail(`"${path.original}" does not name a connection: write conn.<conn_id>.host (or .login, .port, .schema, .extra…).`);
    const use = refs.connections.get(connId) ?? { password: false, required: false, template };
    use.password ||= field === "password";
    if (!optional && !use.required) Object.assign(use, { required: true, template });
    refs.connections.set(connId, use);
  };

  const staticArgument = (node: hbs.AST.Expression, scope: Scope, name: string): StaticArgument => {
    if (node.type === "PathExpression") {
      const parts = rootParts(node as hbs.AST.PathExpression, scope);
      if (parts) return { path: parts };
    } else if (node.type.endsWith("Literal")) {
      return { literal: (node as hbs.AST.Literal & { value?: unknown }).value ?? (node.type === "NullLiteral" ? null : undefined) };
    }
    return fail(`xcom_pull ${name} must be a literal ("extract", 0) or a template variable (params.upstream), so it can be pulled before rendering.`);
  };

  const visitCall = (node: hbs.AST.MustacheStatement | hbs.AST.SubExpression | hbs.AST.BlockStatement, scope: Scope): void => {
    const name = node.path.type === "PathExpression" ? helperName(node.path as hbs.AST.PathExpression, scope) : undefined;
    if (name === "xcom_pull") {
      const named: Record<string, StaticArgument> = {};
      for (const pair of node.hash?.pairs ?? []) {
        if (pair.key !== "default") named[pair.key] = staticArgument(pair.value, scope, pair.key);
      }
      refs.xcomPulls.push({ positional: node.params.map((param) => staticArgument(param, scope, "task_ids")), named, template });
    }
    visit(node.path, scope, false);
    node.params.forEach((param, index) => visit(param, scope, name === "default" && index === 0));
    for (const pair of node.hash?.pairs ?? []) visit(pair.value, scope, false);
  };

  const visit = (node: hbs.AST.Node | undefined, scope: Scope, optional: boolean): void => {
    if (!node) return;
    switch (node.type) {
      case "Program": {
        const program = node as hbs.AST.Program;
        const inner = program.blockParams?.length ? new Set([...scope, ...program.blockParams]) : scope;
        for (const statement of program.body) visit(statement, inner, false);
        return;
      }
      case "MustacheStatement":
      case "SubExpression":
        return visitCall(node as hbs.AST.MustacheStatement, scope);
      case "BlockStatement": {
        const block = node as hbs.AST.BlockStatement;
        visitCall(block, scope);
        visit(block.program, scope, false);
        visit(block.inverse, scope, false);
        return;
      }
      case "PathExpression":
        return visitPath(node as hbs.AST.PathExpression, scope, optional);
      default:
        return;
    }
  };

  visit(ast, new Set(), false);
  return refs;
}

/** The path from the template's variables (`@root.var.value.x` too), or undefined for block params and `@index`. */
function rootParts(path: hbs.AST.PathExpression, scope: Scope): string[] | undefined {
  if (path.data) return path.parts[0] === "root" ? path.parts.slice(1) : undefined;
  if (path.parts.length === 0 || scope.has(path.parts[0])) return undefined;
  return path.parts;
}

function helperName(path: hbs.AST.PathExpression, scope: Scope): string | undefined {
  return !path.data && path.depth === 0 && path.parts.length === 1 && !scope.has(path.parts[0]) ? path.parts[0] : undefined;
}

export function mergeReferences(all: readonly TemplateReferences[]): TemplateReferences {
  if (all.length === 1) return all[0];
  const merged = emptyReferences();
  for (const refs of all) {
    for (const [key, use] of refs.variables) {
      const seen = merged.variables.get(key);
      if (!seen) merged.variables.set(key, { ...use });
      else {
        seen.asJson ||= use.asJson;
        if (use.required && !seen.required) Object.assign(seen, { required: true, template: use.template });
      }
    }
    for (const [connId, use] of refs.connections) {
      const seen = merged.connections.get(connId);
      if (!seen) merged.connections.set(connId, { ...use });
      else {
        seen.password ||= use.password;
        if (use.required && !seen.required) Object.assign(seen, { required: true, template: use.template });
      }
    }
    merged.xcomPulls.push(...refs.xcomPulls);
  }
  return merged;
}
