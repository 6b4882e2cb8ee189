import type express from "express";
import type { NextFunction, Request, Response } from "express";
import type { Database } from "../../../core/store/database.ts";
import { verifyPassword } from "../../auth/passwords.ts";
import type { Session, SessionStore } from "../../auth/session.ts";
import type { UiContext } from "../context.ts";
import { renderPage } from "../render.ts";

/**
 * Middleware: the session's user, read again from `ab_user` on each request, so a user deleted, deactivated or given
 * another role is affected at once. Sets `res.locals.uiUser`.
 */
export function loadLoggedInUser(db: Database, sessions: SessionStore) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const session = res.locals.session as Session | null;
    if (!session?.username) return next();
    db.query<{ username: string; role: string; active: boolean }>("SELECT username, role, active FROM ab_user WHERE username = $1", [session.username])
      .then(({ rows }) => {
        const user = rows[0];
        if (user?.active) res.locals.uiUser = { username: user.username, role: user.role };
        else {
          sessions.end(res, session);
          res.locals.session = null;
        }
        next();
      })
      .catch(next);
  };
}

/** Where to go after logging in: a path on this site only (not `//host` or `/\host`, which browsers take as another host). */
const safeNext = (value: unknown) => (typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/dags");

export function loginRoutes(router: express.Router, ctx: UiContext, sessions: SessionStore): void {
  router.get("/login", (req, res) => {
    if (res.locals.uiUser) return res.redirect(303, safeNext(req.query.next));
    sessions.ensure(res);
    renderPage(res, "login", "Log in", { next: safeNext(req.query.next), bare: true });
  });

  router.post("/login", (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const username = typeof body.username === "string" ? body.username.trim() : "";
    const password = typeof body.password === "string" ? body.password : "";
    const refuse = () => renderPage(res, "login", "Log in", { next: safeNext(body.next), username, bare: true, error: "Wrong username or password." }, 401);
    ctx.db.query<{ password_hash: string; active: boolean }>("SELECT password_hash, active FROM ab_user WHERE username = $1", [username])
      .then(async ({ rows }) => {
        const user = rows[0];
        if (!user?.active || !(await verifyPassword(password, user.password_hash))) return refuse();
        // A new session id at login, so an id planted before it (session fixation) is worth nothing.
        sessions.end(res, res.locals.session as Session | null);
        res.locals.session = sessions.start(res, username);
        await ctx.db.query("UPDATE ab_user SET last_login = now() WHERE username = $1", [username]);
        res.redirect(303, safeNext(body.next));
      })
      .catch(next);
  });

  router.post("/logout", (_req, res) => {
    sessions.end(res, res.locals.session as Session | null);
    res.redirect(303, "/login");
  });
}
