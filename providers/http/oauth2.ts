import { createHash } from "node:crypto";

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  audience?: string;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

// A token is refreshed this long before the server says it expires, so a request never leaves with a dying token.
const EXPIRY_MARGIN_MS = 30_000;
const tokens = new Map<string, Promise<CachedToken>>();

// The secret is part of the key (hashed): after a credential change the old token must not be served.
const cacheKey = (c: ClientCredentials) =>
  JSON.stringify([c.tokenUrl, c.clientId, createHash("sha256").update(c.clientSecret).digest("hex"), c.scope ?? "", c.audience ?? ""]);

/**
 * An OAuth2 access token by the client-credentials grant (RFC 6749 §4.4), cached per client and scope in this
 * process until shortly before it expires. Concurrent callers share one token request.
 */
export async function accessToken(credentials: ClientCredentials, signal?: AbortSignal): Promise<string> {
  const key = cacheKey(credentials);
  const cached = tokens.get(key);
  if (cached) {
    const token = await cached.catch(() => undefined);
    if (token && token.expiresAt > Date.now()) return token.accessToken;
  }
  const request = requestToken(credentials, signal);
  tokens.set(key, request);
  request.catch(() => tokens.delete(key));
  return (await request).accessToken;
}

/** Forgets a token the API refused (HTTP 401), so the next call gets a new one. */
export function invalidateToken(credentials: ClientCredentials): void {
  tokens.delete(cacheKey(credentials));
}

async function requestToken(c: ClientCredentials, signal?: AbortSignal): Promise<CachedToken> {
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  if (c.scope) body.set("scope", c.scope);
  if (c.audience) body.set("audience", c.audience);
  const response = await fetch(c.tokenUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64")}`,
    },
    body,
    signal,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`OAuth2 token request to ${c.tokenUrl} failed with HTTP ${response.status}: ${text.slice(0, 300)}. Check the connection's login (client id), password (client secret) and extra token_url/scope.`);
  }
  let json: { access_token?: unknown; expires_in?: unknown };
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`OAuth2 token endpoint ${c.tokenUrl} did not answer JSON: ${text.slice(0, 200)}`);
  }
  if (typeof json.access_token !== "string") throw new Error(`OAuth2 token endpoint ${c.tokenUrl} answered without an access_token.`);
  const lifetimeMs = typeof json.expires_in === "number" ? json.expires_in * 1000 : 3600_000;
  return { accessToken: json.access_token, expiresAt: Date.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10) };
}
