import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

/**
 * Cookie sessions for the web UI (Airflow's Flask session login). The cookie holds only a random session id, signed
 * with HMAC-SHA256; what the session knows (who logged in, its CSRF token, a flash message) stays in this process's
 * memory, so logging out or restarting the webserver ends it. HttpOnly (no script reads it) and SameSite=Lax (other
 * sites' forms do not carry it; CSRF tokens guard the rest).
 */
export interface Session {
  id: string;
  username: string | null;
  csrfToken: string;
  flash: { kind: "info" | "error"; text: string } | null;
  expiresAt: number;
}

export const SESSION_COOKIE = "updraft_session";
// Airflow's default session lifetime (webserver.session_lifetime_minutes = 43200 is 30 days); a working day is enough here.
const LIFETIME_MS = 12 * 60 * 60 * 1000;
// Expired sessions are swept once this many have been created since the last sweep: bounded memory, no timer.
const SWEEP_EVERY = 200;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly key: Buffer;
  private created = 0;

  constructor(key?: Buffer) {
    this.key = key && key.length ? key : randomBytes(32);
  }

  /** The session the request's cookie names, if it is signed by this key and not expired. */
  fromRequest(req: Request): Session | null {
    const raw = cookies(req)[SESSION_COOKIE];
    if (!raw) return null;
    const dot = raw.lastIndexOf(".");
    const id = raw.slice(0, dot);
    if (dot < 0 || !this.verify(id, raw.slice(dot + 1))) return null;
    const session = this.sessions.get(id);
    if (!session || session.expiresAt < Date.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  /** A new session (before login too: the login form's CSRF token lives in it), with its cookie set on `res`. */
  start(res: Response, username: string | null = null): Session {
    if (++this.created % SWEEP_EVERY === 0) this.sweep();
    const session: Session = { id: randomBytes(24).toString("base64url"), username, csrfToken: randomBytes(24).toString("base64url"), flash: null, expiresAt: Date.now() + LIFETIME_MS };
    this.sessions.set(session.id, session);
    res.cookie(SESSION_COOKIE, `${session.id}.${this.sign(session.id)}`, { httpOnly: true, sameSite: "lax", path: "/", maxAge: LIFETIME_MS });
    return session;
  }

  /** Ends the session and clears its cookie. */
  end(res: Response, session: Session | null): void {
    if (session) this.sessions.delete(session.id);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
  }

  /**
   * Middleware: `res.locals.session` is the request's session, or null. Sessions are created only by the login page
   * (see `ensure`), so requests without a cookie (scripts, crawlers) cost no memory.
   */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      res.locals.session = this.fromRequest(req);
      next();
    };
  }

  /** The request's session, or a new anonymous one (the login form's CSRF token lives in it). */
  ensure(res: Response): Session {
    return (res.locals.session ??= this.start(res)) as Session;
  }

  private sign(id: string): string {
    return createHmac("sha256", this.key).update(id).digest("base64url");
  }

  private verify(id: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (session.expiresAt < now) this.sessions.delete(id);
  }
}

/** The request's cookies (express has no cookie parser built in). */
export function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    try {
      out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie is ignored, as if absent.
    }
  }
  return out;
}
