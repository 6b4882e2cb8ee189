import type { ConnectionInfo } from "../core/types.ts";
import { connectionFromSecret, type SecretsBackend } from "./backend.ts";

/** Airflow's VaultBackend kwargs (KV version 2 only; `kv_engine_version: 1` is refused rather than misread). */
export interface VaultKwargs {
  url?: string;
  auth_type?: "token" | "approle";
  token?: string;
  role_id?: string;
  secret_id?: string;
  auth_mount_point?: string;
  mount_point?: string;
  connections_path?: string | null;
  variables_path?: string | null;
  kv_engine_version?: number;
  namespace?: string;
}

/**
 * HashiCorp Vault KV v2 over HTTP, as Airflow's VaultBackend reads it: a connection at
 * `<mount_point>/data/<connections_path>/<conn_id>` holding its fields (or `conn_uri`), a variable at
 * `<variables_path>/<key>` holding `value`. Auth by token or AppRole (logged in lazily, again when the token is refused).
 */
export class VaultBackend implements SecretsBackend {
  readonly name = "vault";
  private readonly url: string;
  private token: string | null;

  constructor(private readonly kwargs: VaultKwargs) {
    const url = kwargs.url ?? process.env.VAULT_ADDR;
    if (!url) throw new Error('The Vault secrets backend needs "url" in its kwargs (or VAULT_ADDR).');
    if ((kwargs.kv_engine_version ?? 2) !== 2) throw new Error("The Vault secrets backend speaks KV version 2 only: set kv_engine_version to 2.");
    const authType = kwargs.auth_type ?? "token";
    if (authType !== "token" && authType !== "approle") throw new Error(`Vault auth_type "${String(authType)}" is not supported: use "token" or "approle".`);
    if (authType === "approle" && (!kwargs.role_id || !kwargs.secret_id)) throw new Error('Vault AppRole auth needs "role_id" and "secret_id".');
    this.url = url.replace(/\/+$/, "");
    this.token = authType === "token" ? (kwargs.token ?? process.env.VAULT_TOKEN ?? null) : null;
    if (authType === "token" && !this.token) throw new Error('Vault token auth needs "token" in the kwargs (or VAULT_TOKEN).');
  }

  async getConnection(connId: string): Promise<ConnectionInfo | undefined> {
    const path = this.kwargs.connections_path === undefined ? "connections" : this.kwargs.connections_path;
    if (path === null) return undefined;
    const data = await this.read(`${path}/${connId}`);
    return data === undefined ? undefined : connectionFromSecret(connId, data);
  }

  async getVariable(key: string): Promise<string | undefined> {
    const path = this.kwargs.variables_path === undefined ? "variables" : this.kwargs.variables_path;
    if (path === null) return undefined;
    const data = await this.read(`${path}/${key}`);
    if (data === undefined) return undefined;
    const value = data.value;
    return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
  }

  /** The secret's data at `path` under the KV v2 mount, or undefined when there is none. */
  private async read(path: string): Promise<Record<string, unknown> | undefined> {
    const mount = this.kwargs.mount_point ?? "secret";
    const secretPath = path.split("/").filter(Boolean).map(encodeURIComponent).join("/");
    const url = `${this.url}/v1/${mount ? `${mount}/` : ""}data/${secretPath}`;
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, { headers: this.headers(await this.clientToken()) });
      if (response.status === 404) return undefined;
      // An AppRole token may have expired: log in again once.
      if (response.status === 403 && this.kwargs.auth_type === "approle" && attempt === 0) {
        this.token = null;
        continue;
      }
      if (!response.ok) throw new Error(`Vault refused ${url}: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { data?: { data?: Record<string, unknown> | null } };
      return body.data?.data ?? undefined;
    }
  }

  private headers(token: string): Record<string, string> {
    return { "X-Vault-Token": token, ...(this.kwargs.namespace ? { "X-Vault-Namespace": this.kwargs.namespace } : {}) };
  }

  private async clientToken(): Promise<string> {
    if (this.token) return this.token;
    const mount = this.kwargs.auth_mount_point ?? "approle";
    const response = await fetch(`${this.url}/v1/auth/${mount}/login`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.kwargs.namespace ? { "X-Vault-Namespace": this.kwargs.namespace } : {}) },
      body: JSON.stringify({ role_id: this.kwargs.role_id, secret_id: this.kwargs.secret_id }),
    });
    if (!response.ok) throw new Error(`Vault AppRole login at ${this.url}/v1/auth/${mount}/login failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { auth?: { client_token?: string } };
    if (!body.auth?.client_token) throw new Error("Vault AppRole login answered no auth.client_token.");
    this.token = body.auth.client_token;
    return this.token;
  }
}
