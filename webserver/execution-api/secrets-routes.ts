import type { TokenClaims } from "../../core/execution-token.ts";
import { learnConnection } from "../../core/masking/masking-runtime.ts";
import { secretsMasker } from "../../core/masking/secrets-masker.ts";
import type { Database } from "../../core/store/database.ts";
import { recordTryEvent } from "../../core/store/queries/audit-trail.ts";
import { secretsLookupFor, type SecretsLookup } from "../../secrets/lookup.ts";
import type { ExecutionApi, ExecutionApiHooks } from "./execution-api.ts";

const notFound = (what: string) => ({ status: 404, body: { title: "Not Found", status: 404, detail: `${what} does not exist.` } });

/** Who read it, in the audit log: the try, named as `<dag>.<task>`. */
const reader = (c: TokenClaims) => `task:${c.dagId}.${c.taskId}`;

/**
 * A runner's reads of variables and connections: environment → configured secrets backend → database (secrets/lookup.ts),
 * each read recorded in the audit log with the try that made it and where the value came from.
 */
export function registerSecretsRoutes(api: ExecutionApi, db: Database, _hooks: ExecutionApiHooks, lookup: SecretsLookup = secretsLookupFor(db)): void {
  api.route("GET", "/variables/:key", async (c, _body, key) => {
    const found = await lookup.variable(key);
    await recordTryEvent(db, c, "variable.read", reader(c), { key, found: Boolean(found), source: found?.source ?? null, via: "execution-api" });
    if (found) secretsMasker.add(found.value, key);
    return found ? { status: 200, body: { key, value: found.value } } : notFound(`Variable "${key}"`);
  });
  api.route("GET", "/connections/:connId", async (c, _body, connId) => {
    const found = await lookup.connection(connId);
    await recordTryEvent(db, c, "connection.read", reader(c), { connection_id: connId, found: Boolean(found), source: found?.source ?? null, via: "execution-api" });
    // The webserver masks what it served too (XCom views, rendered fields), as the runner masks its log.
    learnConnection(found?.value);
    return found ? { status: 200, body: found.value } : notFound(`Connection "${connId}"`);
  });
}
