import type { ConnectionInfo } from "../types.ts";
import type { TemplateLookups } from "./lookups.ts";
import type { ConnectionUse, StaticArgument, TemplateReferences, VariableUse, XComPullCall } from "./references.ts";
import { templateFailure } from "./template-error.ts";
import type { TemplateVariables } from "./variables.ts";
import { xcomPullRequest, xcomRequestKey, type XComPullRequest } from "./xcom-request.ts";

/** Everything the templates read through `lookups`, fetched in parallel, each key once. */
export interface ResolvedLookups {
  /** The template variables plus `var` and `conn`. */
  context: TemplateVariables;
  xcoms: Map<string, unknown>;
}

export async function resolveLookups(refs: TemplateReferences, vars: TemplateVariables, lookups: TemplateLookups): Promise<ResolvedLookups> {
  const xcoms = new Map<string, unknown>();
  if (refs.variables.size === 0 && refs.connections.size === 0 && refs.xcomPulls.length === 0) {
    return { context: vars, xcoms };
  }
  // Pulls whose arguments name a variable or connection (`task_ids=var.value.upstream`) wait for those.
  const dependsOnLookups = (call: XComPullCall) =>
    [...call.positional, ...Object.values(call.named)].some((arg) => "path" in arg && (arg.path[0] === "var" || arg.path[0] === "conn"));
  const early = refs.xcomPulls.filter((call) => !dependsOnLookups(call));
  const late = refs.xcomPulls.filter(dependsOnLookups);

  const [variables, connections] = await Promise.all([
    resolveVariables(refs.variables, lookups),
    resolveConnections(refs.connections, lookups),
    pullXComs(early, vars, lookups, xcoms),
  ]);
  const context: TemplateVariables = { ...vars, var: variables, conn: connections };
  await pullXComs(late, context, lookups, xcoms);
  return { context, xcoms };
}

async function resolveVariables(uses: Map<string, VariableUse>, lookups: TemplateLookups) {
  // Null prototypes: a variable named "__proto__" or "constructor" is an ordinary key here.
  const value: Record<string, string> = Object.create(null);
  const json: Record<string, unknown> = Object.create(null);
  await Promise.all(
    [...uses].map(async ([key, use]) => {
      const text = await lookups.variable(key);
      if (text === undefined) {
        if (use.required) {
          throw templateFailure(
            use.template,
            `Variable "${key}" does not exist: create it with "updraft variables set ${key} <value>" or set UPDRAFT_VAR_${key.toUpperCase()}.`,
          );
        }
        return;
      }
      value[key] = text;
      if (use.asJson) {
        try {
          json[key] = JSON.parse(text);
        } catch (error) {
          throw templateFailure(
            use.template,
            `Variable "${key}" is not JSON (${(error as Error).message}), so var.json.${key} cannot read it: store JSON with "updraft variables set ${key} '<json>'" or read the text with var.value.${key}.`,
            { cause: error },
          );
        }
      }
    }),
  );
  return { value, json };
}

async function resolveConnections(uses: Map<string, ConnectionUse>, lookups: TemplateLookups) {
  const connections: Record<string, Record<string, unknown>> = Object.create(null);
  await Promise.all(
    [...uses].map(async ([connId, use]) => {
      const connection = await lookups.connection(connId);
      if (connection === undefined) {
        if (use.required) {
          throw templateFailure(
            use.template,
            `Connection "${connId}" does not exist: create it with "updraft connections add ${connId} --conn-uri <uri>" or set UPDRAFT_CONN_${connId.toUpperCase()}.`,
          );
        }
        return;
      }
      connections[connId] = connectionView(connection, use.password);
    }),
  );
  return connections;
}

/** Airflow's Connection attributes, snake_case; `extra` and `extra_dejson` are both the parsed object. */
function connectionView(connection: ConnectionInfo, withPassword: boolean): Record<string, unknown> {
  return {
    conn_id: connection.connId,
    conn_type: connection.connType,
    description: connection.description ?? null,
    host: connection.host ?? null,
    login: connection.login ?? null,
    ...(withPassword ? { password: connection.password ?? null } : {}),
    schema: connection.schema ?? null,
    port: connection.port ?? null,
    extra: connection.extra ?? null,
    extra_dejson: connection.extra ?? {},
  };
}

async function pullXComs(calls: readonly XComPullCall[], context: TemplateVariables, lookups: TemplateLookups, into: Map<string, unknown>): Promise<void> {
  const requests = new Map<string, XComPullRequest>();
  for (const call of calls) {
    const evaluate = (arg: StaticArgument) => ("literal" in arg ? arg.literal : valueAt(context, arg.path));
    const named = Object.fromEntries(Object.entries(call.named).map(([name, arg]) => [name, evaluate(arg)]));
    let request: XComPullRequest;
    try {
      request = xcomPullRequest(call.positional.map(evaluate), named);
    } catch (error) {
      throw templateFailure(call.template, (error as Error).message, { cause: error });
    }
    requests.set(xcomRequestKey(request), request);
  }
  await Promise.all([...requests].map(async ([key, request]) => into.set(key, await lookups.xcomPull(request))));
}

/** What handlebars would read at this path: own properties only. */
function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
