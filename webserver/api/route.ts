import type express from "express";
import type { Request, Response } from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { allDagAccessControls, dagAccessControl } from "../../core/store/queries/dag-access.ts";
import { canAccessDag, isAuthorized, type Action, type Resource } from "../auth/permissions.ts";
import { describeErrors, operation, parameterValidator, requestBodyValidator, type SpecOperation, type SpecParameter } from "./openapi.ts";
import { problem } from "./problem.ts";

export interface ApiUser {
  username: string;
  role: string;
}

/**
 * Who may call an operation, as Airflow 2.10's `requires_access_*` decorators say it:
 * - `{ resource, action }`: a permission on a kind of thing (variables, pools, config…);
 * - `{ dag: entity }`: something of the DAG in the path (`entity` null = the DAG itself), which needs the role's
 *   permission on that kind of thing and access to that DAG (its own access control may grant it). With `~` or no
 *   DAG in the path, the operation is allowed and the handler keeps to the DAGs the role may read (`readableDagIds`).
 */
export type Access = { resource: Resource; action: Action } | { dag: Resource | null; action?: "can_read" | "can_edit" | "can_delete" };

export interface Call {
  req: Request;
  res: Response;
  user: ApiUser;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  /** Query parameters, validated against the spec and converted to their types (arrays, integers, booleans). */
  query: Record<string, unknown>;
  /** The JSON body, validated against the spec (unknown and read-only fields refused). */
  body: Record<string, unknown>;
  /** The DAG ids this user may read, or null for every DAG. */
  readableDagIds(): Promise<string[] | null>;
}

/** What a handler answers: a JSON body (200), or `NO_CONTENT` (204). */
export const NO_CONTENT = Symbol("no content");
export type Handler = (call: Call) => Promise<unknown>;

/** The spec's operations mounted so far (docs, and the schemathesis test, list what is implemented from it). */
export const IMPLEMENTED_OPERATIONS = new Set<string>();

const METHOD_ACTION: Record<string, Action> = { get: "can_read", post: "can_create", patch: "can_edit", put: "can_edit", delete: "can_delete" };

/**
 * Mounts one operation of the spec: its path (from the spec), permission check (403 in the spec's shape), parameter
 * and body validation (400 naming the field), then the handler. A `RequestError` becomes its problem response.
 */
export function route(router: express.Router, db: Database, operationId: string, access: Access, handler: Handler): void {
  const op = operation(operationId);
  IMPLEMENTED_OPERATIONS.add(operationId);
  const expressPath = op.path.replace(/\{([a-z_]+)\}/g, ":$1");
  const method = op.method as "get" | "post" | "patch" | "put" | "delete";
  router[method](expressPath, (req: Request, res: Response, next: express.NextFunction) => {
    void (async () => {
      const user = res.locals.user as ApiUser;
      const params = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)]));
      // A typed path segment that does not parse is another route's literal (…/{task_id}/setNote vs …/{task_id}/{map_index}):
      // as Flask's <int:…> converters, such a path does not match here.
      if (!typedPathMatches(op, params)) return next();
      // As Airflow (connexion validates before the view's permission decorator runs): 400 before 403.
      const query = parseParameters(op, req, params);
      const body = parseBody(op, req);
      const denied = await checkAccess(db, user, access, method, params.dag_id);
      if (denied) return problem(res, 403, denied);
      let readable: Promise<string[] | null> | undefined;
      const result = await handler({ req, res, user, params, query, body, readableDagIds: () => (readable ??= readableDagIds(db, user.role)) });
      if (res.headersSent) return;
      if (result === NO_CONTENT) res.status(204).end();
      else res.json(result);
    })().catch((error: unknown) => {
      if (error instanceof RequestError) problem(res, error.status, error.message);
      else next(error);
    });
  });
}

async function checkAccess(db: Database, user: ApiUser, access: Access, method: string, dagId: string | undefined): Promise<string | null> {
  const role = user.role;
  if ("resource" in access) {
    return isAuthorized(role, access.action, access.resource) ? null : `Role "${role}" may not ${access.action.replace("can_", "")} ${access.resource}: ask an admin for a role that may.`;
  }
  const entity = access.dag;
  const action: Action = access.action ?? METHOD_ACTION[method];
  if (entity && !isAuthorized(role, action, entity)) {
    return `Role "${role}" may not ${action.replace("can_", "")} ${entity}: ask an admin for a role that may.`;
  }
  // Something of a DAG needs to read it (GET) or edit it (anything else); the DAG itself, the action asked.
  const dagAction = entity ? (action === "can_read" ? "can_read" : "can_edit") : action === "can_create" ? "can_edit" : action;
  if (!dagId || dagId === "~") {
    // Every DAG (a list, `~`): allowed when the role may do this to some DAG; the handler keeps to those (as Airflow's
    // requires_access_dag, which asks get_permitted_dag_ids when the role lacks the permission on every DAG).
    if (isAuthorized(role, dagAction, "DAGs")) return null;
    const some = (await allDagAccessControls(db)).some((d) => canAccessDag(role, dagAction, d.access_control));
    return some ? null : `Role "${role}" may not ${dagAction.replace("can_", "")} any DAG: ask an admin, or declare it in a DAG's access_control.`;
  }
  const allowed = canAccessDag(role, dagAction, await dagAccessControl(db, dagId));
  return allowed ? null : `Role "${role}" has no access to DAG "${dagId}" for this: ask an admin, or declare it in the DAG's access_control.`;
}

/** The DAGs a role may read (or edit): null (all) with the global permission, else those whose access control grants it. */
export async function readableDagIds(db: Database, role: string, action: "can_read" | "can_edit" = "can_read"): Promise<string[] | null> {
  if (isAuthorized(role, action, "DAGs")) return null;
  return (await allDagAccessControls(db)).filter((d) => canAccessDag(role, action, d.access_control)).map((d) => d.dag_id);
}

function coerce(param: SpecParameter, raw: unknown): unknown {
  const schema = param.schema as { type?: string; items?: { type?: string } };
  const one = (value: unknown, type: string | undefined): unknown => {
    if (typeof value !== "string") throw new RequestError(400, `Query parameter "${param.name}" must be given once.`);
    if (type === "integer") {
      if (!/^-?\d{1,15}$/.test(value.trim())) throw new RequestError(400, `"${param.name}" must be a whole number, got "${value}".`);
      return Number(value);
    }
    if (type === "number") {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) throw new RequestError(400, `"${param.name}" must be a number, got "${value}".`);
      return n;
    }
    if (type === "boolean") {
      const lower = value.toLowerCase();
      if (lower !== "true" && lower !== "false") throw new RequestError(400, `"${param.name}" must be true or false, got "${value}".`);
      return lower === "true";
    }
    return value;
  };
  if (schema.type === "array") {
    const values = [raw].flat();
    // style: form, explode: false (update_mask): one value, comma-separated.
    const split = (param as { explode?: boolean }).explode === false ? values.flatMap((v) => (typeof v === "string" ? v.split(",") : [v])) : values;
    return split.map((v) => one(v, schema.items?.type));
  }
  return one(raw, schema.type);
}

function typedPathMatches(op: SpecOperation, params: Record<string, string>): boolean {
  return op.parameters.every((p) => p.in !== "path" || (p.schema as { type?: string }).type !== "integer" || /^-?\d{1,15}$/.test(params[p.name] ?? ""));
}

function parseParameters(op: SpecOperation, req: Request, params: Record<string, string>): Record<string, unknown> {
  const query = req.query as Record<string, unknown>;
  const known = new Set(op.parameters.filter((p) => p.in === "query").map((p) => p.name));
  const extra = Object.keys(query).filter((k) => !known.has(k));
  if (extra.length) {
    throw new RequestError(400, `Extra query parameter(s) ${extra.join(", ")} not in spec: this operation takes ${[...known].join(", ") || "none"}.`);
  }
  const values: Record<string, unknown> = {};
  for (const param of op.parameters) {
    if (param.in === "header") continue;
    const raw = param.in === "path" ? params[param.name] : query[param.name];
    if (raw === undefined) {
      if (param.required) throw new RequestError(400, `Missing query parameter "${param.name}".`);
      continue;
    }
    const value = coerce(param, raw);
    const validate = parameterValidator(op, param);
    if (!validate(value)) throw new RequestError(400, `Invalid ${param.in} parameter: ${describeErrors(validate.errors, param.name)}.`);
    if (param.in === "path") params[param.name] = String(value);
    else values[param.name] = value;
  }
  return values;
}

function parseBody(op: SpecOperation, req: Request): Record<string, unknown> {
  const validate = requestBodyValidator(op);
  if (!validate) return {};
  if (req.body === undefined) {
    if (!op.requestBody?.required) return {};
    throw new RequestError(400, "This operation needs a JSON body: send one with Content-Type: application/json.");
  }
  if (!validate(req.body)) throw new RequestError(400, `Invalid request body: ${describeErrors(validate.errors, "body")}.`);
  return req.body as Record<string, unknown>;
}
