import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Session } from "./session.ts";

/** The form field (and header, for scripts) carrying the session's CSRF token. */
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

/**
 * Synchronizer-token CSRF protection (Flask-WTF's CSRFProtect, as Airflow's UI uses): every state-changing request
 * (anything but GET/HEAD/OPTIONS) must carry its session's token in the `_csrf` field or the X-CSRF-Token header, or
 * it is refused with 403 before it does anything. Runs after the session middleware and a body parser.
 */
export function csrfProtection(onRejected: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const session = res.locals.session as Session | undefined;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const given = typeof body[CSRF_FIELD] === "string" ? (body[CSRF_FIELD] as string) : req.get(CSRF_HEADER) ?? "";
    if (!session || !tokensMatch(session.csrfToken, given)) return onRejected(req, res);
    next();
  };
}

function tokensMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
