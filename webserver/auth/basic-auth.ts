import type { NextFunction, Request, Response } from "express";
import type { Database } from "../../core/store/database.ts";
import { verifyPassword } from "./passwords.ts";

/** HTTP basic auth against the users table (Airflow's `basic_auth` API backend). 401 in the API's problem shape. */
export function basicAuth(db: Database) {
  const cache = new Map<string, { ok: boolean; at: number }>();
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get("authorization") ?? "";
    if (!header.startsWith("Basic ")) return unauthorized(res);
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    try {
      // Hashing is deliberately slow; a verified credential is remembered for a minute so scripts stay fast.
      const cached = cache.get(header);
      let ok = cached && Date.now() - cached.at < 60_000 ? cached.ok : undefined;
      let role: string | undefined;
      const { rows } = await db.query<{ password_hash: string; role: string; active: boolean }>(
        "SELECT password_hash, role, active FROM ab_user WHERE username = $1",
        [username],
      );
      const user = rows[0];
      if (ok === undefined) {
        ok = Boolean(user?.active) && (await verifyPassword(password, user!.password_hash));
        cache.set(header, { ok, at: Date.now() });
      }
      if (!ok || !user) return unauthorized(res);
      role = user.role;
      res.locals.user = { username, role };
      next();
    } catch (error) {
      next(error);
    }
  };
}

function unauthorized(res: Response): void {
  res.status(401).set("WWW-Authenticate", 'Basic realm="Updraft"').json({
    type: "https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html#section/Errors/Unauthenticated",
    title: "Unauthorized",
    status: 401,
    detail: "Give a username and password (HTTP basic auth). With `updraft standalone`, the admin password is in $UPDRAFT_HOME/standalone_admin_password.txt.",
  });
}
