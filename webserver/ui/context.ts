import type { NextFunction, Request, Response } from "express";
import type { LogPathFor } from "../../core/runs/task-log.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { requireDag, requireSerializedDag } from "../../core/runs/require-dag.ts";
import type { SerializedDag } from "../../core/serialization.ts";
import type { Database } from "../../core/store/database.ts";
import type { DagRow } from "../../core/store/queries/dags.ts";
import { canAccessDag, canAccessDagEntity, isAuthorized, Resource, type Action, type DagAccessControl } from "../auth/permissions.ts";
import type { Session } from "../auth/session.ts";
import { renderPage, type PageUser } from "./render.ts";

/** What the UI tells a scheduler (the same hooks as the REST API's): a run was created or its TIs changed behind it. */
export interface UiHooks {
  onChange(runKey?: string): void;
}

export interface UiContext {
  db: Database;
  hooks: UiHooks;
  logPathFor?: LogPathFor;
  /** How often a live-update stream looks for changes (ms). */
  pollIntervalMs: number;
}

/** A refusal the UI shows as a page: 403 (role), 404 (unknown), 400 (bad form). */
export class UiError extends Error {
  constructor(readonly status: 400 | 403 | 404, message: string) {
    super(message);
  }
}

export const userOf = (res: Response): PageUser => res.locals.uiUser as PageUser;
export const param = (req: Request, name: string): string => String(req.params[name]);
export const query = (req: Request, name: string): string => (typeof req.query[name] === "string" ? (req.query[name] as string) : "");

/** Refuses with 403 unless the user's role may do `action` on `resource`. */
export function requirePermission(res: Response, action: Action, resource: Resource): void {
  if (!isAuthorized(userOf(res).role, action, resource)) {
    throw new UiError(403, `Your role (${userOf(res).role}) may not ${action.replace("can_", "")} ${resource}.`);
  }
}

/** Which changes the user's role may make to pools, variables or connections: a page shows exactly those buttons. */
export function resourceAbilities(res: Response, resource: Resource) {
  const role = userOf(res).role;
  const abilities = { create: isAuthorized(role, "can_create", resource), edit: isAuthorized(role, "can_edit", resource), delete: isAuthorized(role, "can_delete", resource) };
  return { ...abilities, any: abilities.edit || abilities.delete };
}

export interface LoadedDag {
  row: DagRow;
  dag: SerializedDag;
  accessControl: DagAccessControl;
}

/** The DAG and its latest serialized version, or 404; 403 unless the user may read it. */
export async function loadDag(ctx: UiContext, res: Response, dagId: string): Promise<LoadedDag> {
  const row = await requireDag(ctx.db, dagId);
  const { data: dag } = await requireSerializedDag(ctx.db, row);
  const accessControl = dag.access_control ?? {};
  if (!canAccessDag(userOf(res).role, "can_read", accessControl)) throw new UiError(403, `Your role (${userOf(res).role}) may not see DAG "${dagId}".`);
  return { row, dag, accessControl };
}

/** What the user may do on a DAG's page: the buttons shown are exactly the actions allowed. */
export function dagAbilities(res: Response, loaded: LoadedDag) {
  const role = userOf(res).role;
  return {
    canPause: canAccessDag(role, "can_edit", loaded.accessControl),
    canTrigger: canAccessDagEntity(role, "POST", Resource.DAG_RUN, loaded.accessControl),
    canEditTasks: canAccessDagEntity(role, "PUT", Resource.TASK_INSTANCE, loaded.accessControl),
    canEditRuns: canAccessDagEntity(role, "PUT", Resource.DAG_RUN, loaded.accessControl),
    canReadLogs: canAccessDagEntity(role, "GET", Resource.TASK_LOG, loaded.accessControl),
    canReadXcom: canAccessDagEntity(role, "GET", Resource.XCOM, loaded.accessControl),
  };
}

export function requireAbility(res: Response, allowed: boolean, what: string): void {
  if (!allowed) throw new UiError(403, `Your role (${userOf(res).role}) may not ${what}.`);
}

/** An async page: a UiError or RequestError becomes an error page with its status; anything else a 500 page. */
export const page = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
  void fn(req, res).catch((error: unknown) => {
    if (res.headersSent) return next(error);
    if (error instanceof UiError || error instanceof RequestError) {
      renderPage(res, "error", error.status === 403 ? "Access denied" : error.status === 404 ? "Not found" : "Cannot do that", { status: error.status, message: error.message }, error.status);
      return;
    }
    next(error);
  });

/** Redirects after a form POST, with a message shown on the next page. */
export function redirectWith(res: Response, url: string, kind: "info" | "error", text: string): void {
  const session = res.locals.session as Session | null;
  if (session) session.flash = { kind, text };
  res.redirect(303, url);
}

/** Where a form POST should go back to: its `next` field when it is a path on this site, else `fallback`. */
export function backTo(req: Request, fallback: string): string {
  const next = (req.body as Record<string, unknown> | undefined)?.next;
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : fallback;
}

export const dagUrl = (dagId: string, view = "grid") => `/dags/${encodeURIComponent(dagId)}/${view}`;
export const runUrl = (dagId: string, runId: string) => `/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`;
export const tiUrl = (dagId: string, runId: string, taskId: string, mapIndex = -1) =>
  `${runUrl(dagId, runId)}/tasks/${encodeURIComponent(taskId)}${mapIndex >= 0 ? `?map_index=${mapIndex}` : ""}`;
