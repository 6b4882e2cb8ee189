import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local server speaking the parts of HashiCorp Vault's HTTP API that the Vault secrets backend uses (Debian ships no
 * `vault` binary): KV version 2 at a mount (`GET`/`POST /v1/<mount>/data/<path>`, versioned, with Vault's response
 * envelope and its 403/404 shapes) and AppRole login (`POST /v1/auth/<mount>/login`). Tokens are checked on every read;
 * `revoke` makes one fail as an expired token does.
 */
export interface VaultKvServer {
  url: string;
  rootToken: string;
  /** Writes a new version of a secret (as `vault kv put <mount>/<path>` does). */
  put(path: string, data: Record<string, unknown>): void;
  /** An AppRole (role_id, secret_id) whose login yields a token allowed to read. */
  addAppRole(): { roleId: string; secretId: string };
  revoke(token: string): void;
  /** Every request, `METHOD path`, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startVaultKvServer(mount = "secret", approleMount = "approle"): Promise<VaultKvServer> {
  const rootToken = `hvs.${randomUUID().replaceAll("-", "")}`;
  const tokens = new Set([rootToken]);
  const roles = new Map<string, string>();
  const secrets = new Map<string, Array<{ data: Record<string, unknown>; created: string }>>();
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const envelope = (data: unknown, auth: unknown = null) => ({ request_id: randomUUID(), lease_id: "", renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://vault");
      requests.push(`${req.method} ${url.pathname}`);
      const login = `/v1/auth/${approleMount}/login`;
      if (req.method === "POST" && url.pathname === login) {
        const body = await readBody(req);
        if (typeof body.role_id !== "string" || roles.get(body.role_id) !== body.secret_id) return send(res, 400, { errors: ["invalid role or secret ID"] });
        const token = `hvs.${randomUUID().replaceAll("-", "")}`;
        tokens.add(token);
        return send(res, 200, envelope(null, { client_token: token, accessor: randomUUID(), policies: ["default", "airflow"], token_policies: ["default", "airflow"], lease_duration: 3600, renewable: true }));
      }
      const prefix = `/v1/${mount}/data/`;
      if (!url.pathname.startsWith(prefix)) return send(res, 404, { errors: [] });
      if (!tokens.has(String(req.headers["x-vault-token"] ?? ""))) return send(res, 403, { errors: ["permission denied"] });
      const path = decodeURIComponent(url.pathname.slice(prefix.length));
      if (req.method === "GET") {
        const versions = secrets.get(path);
        const latest = versions?.at(-1);
        if (!latest) return send(res, 404, { errors: [] });
        return send(res, 200, envelope({ data: latest.data, metadata: { created_time: latest.created, custom_metadata: null, deletion_time: "", destroyed: false, version: versions!.length } }));
      }
      if (req.method === "POST" || req.method === "PUT") {
        const body = await readBody(req);
        const versions = secrets.get(path) ?? [];
        versions.push({ data: body.data as Record<string, unknown>, created: new Date().toISOString() });
        secrets.set(path, versions);
        return send(res, 200, envelope({ created_time: versions.at(-1)!.created, deletion_time: "", destroyed: false, version: versions.length }));
      }
      send(res, 405, { errors: [`unsupported method ${req.method}`] });
    })().catch((error: unknown) => send(res, 500, { errors: [String(error)] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    rootToken,
    requests,
    put(path, data) {
      const versions = secrets.get(path) ?? [];
      versions.push({ data, created: new Date().toISOString() });
      secrets.set(path, versions);
    },
    addAppRole() {
      const roleId = randomUUID();
      const secretId = randomUUID();
      roles.set(roleId, secretId);
      return { roleId, secretId };
    },
    revoke(token) {
      tokens.delete(token);
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
