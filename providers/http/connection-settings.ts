import type { ConnectionInfo } from "../../core/types.ts";
import type { ClientCredentials } from "./oauth2.ts";

export const AUTH_TYPES = ["basic", "bearer", "oauth2_client_credentials", "none"] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

// Extra keys that configure the hook rather than being sent as headers (Airflow sends the rest of the extra as headers).
const SETTING_KEYS = new Set(["auth_type", "token_url", "scope", "audience", "timeout", "headers", "verify", "proxies", "stream", "cert", "max_redirects", "trust_env", "auth_kwargs"]);

export interface HttpSettings {
  baseUrl: string;
  headers: Record<string, string>;
  authType: AuthType;
  login: string | null;
  password: string | null;
  oauth2: ClientCredentials | undefined;
  timeoutSeconds: number | undefined;
}

/**
 * What an Airflow http connection means: the base URL from host (with its own scheme, or `schema` as the scheme,
 * default http) and port; login/password for basic auth, or per the extra's `auth_type` a bearer token (password)
 * or OAuth2 client credentials (login = client id, password = secret, extra `token_url`, `scope`); the other extra
 * keys (or the extra's `headers` object) as default headers.
 */
export function httpSettings(connection: ConnectionInfo | undefined, authTypeOverride?: AuthType): HttpSettings {
  const extra = connection?.extra ?? {};
  let baseUrl = "";
  if (connection?.host) {
    // Airflow takes the scheme from `schema` (default http); an "https://…" connection URI means https too.
    const scheme = connection.schema || (connection.connType === "https" ? "https" : "http");
    baseUrl = connection.host.includes("://") ? connection.host : `${scheme}://${connection.host}`;
    if (connection.port) baseUrl = `${baseUrl.replace(/\/$/, "")}:${connection.port}`;
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(extra)) if (!SETTING_KEYS.has(key) && value !== null) headers[key] = typeof value === "string" ? value : JSON.stringify(value);
  if (extra.headers && typeof extra.headers === "object" && !Array.isArray(extra.headers)) {
    for (const [key, value] of Object.entries(extra.headers)) headers[key] = String(value);
  }
  const configured = (authTypeOverride ?? extra.auth_type) as string | undefined;
  if (configured !== undefined && !(AUTH_TYPES as readonly string[]).includes(configured)) {
    throw new Error(`Connection "${connection?.connId}" has auth_type "${configured}": use one of ${AUTH_TYPES.join(", ")}.`);
  }
  const authType: AuthType = (configured as AuthType | undefined) ?? (connection?.login ? "basic" : "none");
  let oauth2: ClientCredentials | undefined;
  if (authType === "oauth2_client_credentials") {
    const tokenUrl = typeof extra.token_url === "string" ? extra.token_url : undefined;
    if (!tokenUrl || !connection?.login || !connection.password) {
      throw new Error(`Connection "${connection?.connId}" uses OAuth2 client credentials: set login (client id), password (client secret) and extra token_url.`);
    }
    oauth2 = {
      tokenUrl: new URL(tokenUrl, baseUrl || undefined).toString(),
      clientId: connection.login,
      clientSecret: connection.password,
      scope: typeof extra.scope === "string" ? extra.scope : undefined,
      audience: typeof extra.audience === "string" ? extra.audience : undefined,
    };
  }
  if (authType === "bearer" && !connection?.password) throw new Error(`Connection "${connection?.connId}" uses bearer auth: put the token in its password.`);
  return {
    baseUrl,
    headers,
    authType,
    login: connection?.login ?? null,
    password: connection?.password ?? null,
    oauth2,
    timeoutSeconds: extra.timeout === undefined ? undefined : Number(extra.timeout),
  };
}

/** Airflow's url joining: base and endpoint with exactly one "/" between them; an absolute endpoint stands alone. */
export function joinUrl(base: string, endpoint: string | undefined): string {
  if (!endpoint) return base;
  if (/^https?:\/\//.test(endpoint)) return endpoint;
  if (!base) throw new Error(`Cannot call endpoint "${endpoint}": the connection has no host. Set its host (e.g. https://api.example.com).`);
  return `${base.replace(/\/+$/, "")}/${endpoint.replace(/^\/+/, "")}`;
}
