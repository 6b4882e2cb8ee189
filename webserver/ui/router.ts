import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type NextFunction, type Request, type Response } from "express";
import type { LogPathFor } from "../../core/runs/task-log.ts";
import type { Database } from "../../core/store/database.ts";
import { csrfProtection } from "../auth/csrf.ts";
import { isAuthorized, Resource } from "../auth/permissions.ts";
import { SessionStore } from "../auth/session.ts";
import type { UiContext, UiHooks } from "./context.ts";
import { renderPage } from "./render.ts";
import { actionRoutes } from "./routes/actions.ts";
import { adminRoutes } from "./routes/admin.ts";
import { connectionRoutes } from "./routes/connections.ts";
import { dagRoutes } from "./routes/dag.ts";
import { dagsRoutes } from "./routes/dags.ts";
import { eventRoutes } from "./routes/events.ts";
import { loginRoutes, loadLoggedInUser } from "./routes/login.ts";
import { auditTrail } from "../audit-trail.ts";
import { poolRoutes } from "./routes/pools.ts";
import { resilienceRoutes } from "./routes/resilience.ts";
import { runRoutes } from "./routes/runs.ts";
import { variableRoutes } from "./routes/variables.ts";
import { lineageRoutes } from "./routes/lineage.ts";

export type { UiHooks } from "./context.ts";

export interface UiOptions {
  /** Where task logs are (the scheduler's `logPathFor`); without it, log pages say so. */
  logPathFor?: LogPathFor;
  /** Signs session cookies (the standalone's secret key); a random per-process key when absent. */
  secret?: Buffer;
  /** How often a live-update stream polls the database (ms). Default 500. */
  pollIntervalMs?: number;
}

const STATIC = fileURLToPath(new URL("./static/", import.meta.url));
// The browser build of dagre, beside the CommonJS entry its package exports (it exports no path to the file itself).
const DAGRE = join(dirname(createRequire(import.meta.url).resolve("@dagrejs/dagre")), "dagre.min.js");

/**
 * The web UI, mounted at `/`: server-rendered pages (handlebars), small static scripts, a session login with CSRF
 * tokens on every form, and server-sent events for live state. Paths of the APIs mounted beside it are left alone.
 */
export function uiRouter(db: Database, hooks: UiHooks, options: UiOptions = {}): express.Router {
  const ctx: UiContext = { db, hooks, logPathFor: options.logPathFor, pollIntervalMs: options.pollIntervalMs ?? 500 };
  const sessions = new SessionStore(options.secret);
  const router = express.Router();

  router.use((req, _res, next) => (req.path.startsWith("/api/") || req.path.startsWith("/execution/") ? next("router") : next()));
  router.use("/static", express.static(STATIC, { maxAge: "1h" }));
  router.get("/static-vendor/dagre.min.js", (_req, res) => res.sendFile(DAGRE, { maxAge: "1d" }));
  router.use(express.urlencoded({ extended: false, limit: "256kb" }));
  router.use(sessions.middleware());
  router.use(csrfProtection((_req, res) => {
    renderPage(res, "error", "Access denied", { status: 403, message: "The form's CSRF token is missing or stale: reload the page and try again." }, 403);
  }));
  router.use(loadLoggedInUser(db, sessions));
  router.use(auditTrail(db, "ui"));

  loginRoutes(router, ctx, sessions);
  // Everything below needs a logged-in user.
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (res.locals.uiUser) return next();
    if (req.path === "/ui/events") {
      res.status(401).type("text").send("Log in first.");
      return;
    }
    res.redirect(303, `/login?next=${encodeURIComponent(req.method === "GET" ? req.originalUrl : "/dags")}`);
  });
  router.use((_req, res, next) => {
    const role = (res.locals.uiUser as { role: string }).role;
    res.locals.nav = {
      datasets: isAuthorized(role, "can_read", Resource.DATASET),
      dagDependencies: isAuthorized(role, "can_read", Resource.DAG_DEPENDENCIES),
      auditLog: isAuthorized(role, "can_read", Resource.AUDIT_LOG),
      pools: isAuthorized(role, "can_read", Resource.POOL),
      slaMisses: isAuthorized(role, "can_read", Resource.SLA_MISS),
      variables: isAuthorized(role, "can_read", Resource.VARIABLE),
      connections: isAuthorized(role, "can_read", Resource.CONNECTION),
    };
    next();
  });
  // A role without the website (Public, or an unknown role) sees nothing but its way out.
  router.use((_req, res, next) => {
    const role = (res.locals.uiUser as { role: string }).role;
    if (isAuthorized(role, "can_read", Resource.WEBSITE)) return next();
    renderPage(res, "error", "Access denied", { status: 403, message: `Your role (${role}) may not use the web UI: ask an admin for another role.` }, 403);
  });
  router.get("/", (_req, res) => res.redirect(302, "/dags"));
  dagsRoutes(router, ctx);
  dagRoutes(router, ctx);
  runRoutes(router, ctx);
  actionRoutes(router, ctx);
  poolRoutes(router, ctx);
  variableRoutes(router, ctx);
  connectionRoutes(router, ctx);
  adminRoutes(router, ctx);
  resilienceRoutes(router, ctx);
  eventRoutes(router, ctx);
  lineageRoutes(router, ctx);

  router.use((req: Request, res: Response) => {
    renderPage(res, "error", "Not found", { status: 404, message: `There is no page at ${req.path}.` }, 404);
  });
  router.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    // Body-parser refusals (a form too large, malformed) keep their 4xx; anything else is ours.
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    renderPage(res, "error", status === 500 ? "Something went wrong" : "Cannot do that", { status, message: error.message }, status);
  });
  return router;
}
