import type { NextFunction, Request, Response } from "express";
import type { Database } from "../core/store/database.ts";
import { recordEvent } from "../core/store/queries/event-log.ts";

/** Paths whose reads are recorded too: a connection or a variable (even its list) is a secret's neighbourhood. */
const SECRET_READ = /^\/(api\/v1\/)?(connections|variables)(\/|$)/;
const CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Marks a request as recorded already (by a route's own, more precise event); the trail then adds nothing. */
export function markAudited(res: Response): void {
  res.locals.audited = true;
}

/** Where a request came from, for the audit log: the client's address (behind a proxy, Express's `trust proxy` rules). */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? "unknown";

/**
 * Records every user action over HTTP — each change (POST/PUT/PATCH/DELETE) and each read of connections or variables —
 * that no route recorded itself and that succeeded: who (the logged-in or basic-auth user), what (method, path, status), when, from where
 * (the client's address), and through which door (`rest` or `ui`). Mounted after authentication, so `who` is known.
 */
export function auditTrail(db: Database, via: "rest" | "ui") {
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.originalUrl.split("?")[0];
    if (CHANGES.has(req.method) || (req.method === "GET" && SECRET_READ.test(path.replace(/^\/api\/v1/, "")))) {
      res.on("finish", () => {
        const user = (res.locals.user ?? res.locals.uiUser) as { username: string } | undefined;
        // Refused requests (4xx/5xx) changed nothing and are not recorded: the trail lists what was done and read.
        if (!user || res.locals.audited || res.statusCode >= 400) return;
        recordEvent(db, {
          event: `${via}.${req.method.toLowerCase()}`,
          owner: user.username,
          extra: JSON.stringify({ path, status: res.statusCode, ip: clientAddress(req), via }),
        }).catch(() => {
          // The response is sent; a failed audit write must not crash the server (the database's own log shows it).
        });
      });
    }
    next();
  };
}
