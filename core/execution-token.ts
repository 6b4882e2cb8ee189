import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TiKey } from "./store/queries/task-instances.ts";

/**
 * Tokens that let a runner act for exactly one task-instance try through the execution API, and nothing else.
 * `<base64url payload>.<base64url HMAC-SHA256>`; the secret comes from UPDRAFT_SECRET_KEY or is generated once
 * into `$UPDRAFT_HOME/secret_key`, so every process of one installation shares it.
 */
export interface TokenClaims extends TiKey {
  tryNumber: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export function loadSecretKey(home: string): Buffer {
  if (process.env.UPDRAFT_SECRET_KEY) return Buffer.from(process.env.UPDRAFT_SECRET_KEY, "utf8");
  const path = join(home, "secret_key");
  try {
    return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
  } catch {
    mkdirSync(home, { recursive: true });
    const key = randomBytes(32).toString("hex");
    try {
      writeFileSync(path, key, { flag: "wx", mode: 0o600 });
    } catch {
      return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
    }
    return Buffer.from(key, "hex");
  }
}

const sign = (secret: Buffer, payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");

export function issueToken(secret: Buffer, claims: Omit<TokenClaims, "exp">, ttlSeconds = 7 * 24 * 3600): string {
  const payload = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds })).toString("base64url");
  return `${payload}.${sign(secret, payload)}`;
}

/** The claims of a valid token, or null for a forged, tampered or expired one. */
export function verifyToken(secret: Buffer, token: string): TokenClaims | null {
  const [payload, signature] = token.split(".");
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    return claims.exp > Date.now() / 1000 ? claims : null;
  } catch {
    return null;
  }
}
