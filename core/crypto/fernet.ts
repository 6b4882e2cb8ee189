import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Fernet (https://github.com/fernet/spec), the token format Airflow encrypts connection passwords, extras and
 * variables with: `0x80 | timestamp (8 bytes, big-endian seconds) | IV (16) | AES-128-CBC ciphertext | HMAC-SHA256 (32)`,
 * URL-safe base64. A key is 32 URL-safe base64 bytes: the first 16 sign, the last 16 encrypt. Tokens written by
 * Python's `cryptography.fernet` decrypt here and the other way round.
 */

const VERSION = 0x80;
/** The spec's allowance for a token stamped slightly in the future (another machine's clock): 60 s. */
const MAX_CLOCK_SKEW_SECONDS = 60;

/** The token is not valid for the key(s): tampered, truncated, expired, or written with another key. */
export class InvalidTokenError extends Error {
  readonly code = "INVALID_FERNET_TOKEN";
}

/** Strict URL-safe base64: only `A-Z a-z 0-9 - _`, padding only at the end, no trailing data. */
function decodeUrlSafe(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text.replace(/=+$/, "") ? bytes : null;
}

export function generateFernetKey(): string {
  return randomBytes(32).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

export class Fernet {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(key: string) {
    const bytes = decodeUrlSafe(key.trim());
    if (!bytes || bytes.length !== 32) {
      throw new Error("A Fernet key must be 32 url-safe base64-encoded bytes (44 characters ending in \"=\"); generate one with `updraft rotate-key --generate`.");
    }
    this.signingKey = bytes.subarray(0, 16);
    this.encryptionKey = bytes.subarray(16);
  }

  encrypt(plaintext: string | Buffer, now = new Date(), iv: Buffer = randomBytes(16)): string {
    const header = Buffer.alloc(9);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(Math.floor(now.getTime() / 1000)), 1);
    const cipher = createCipheriv("aes-128-cbc", this.encryptionKey, iv);
    const body = Buffer.concat([header, iv, cipher.update(plaintext), cipher.final()]);
    const mac = createHmac("sha256", this.signingKey).update(body).digest();
    return Buffer.concat([body, mac]).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
  }

  /** The plaintext bytes; with `ttlSeconds`, also refuses tokens older than that or stamped too far in the future. */
  decryptBytes(token: string, ttlSeconds?: number, now = new Date()): Buffer {
    const data = decodeUrlSafe(token);
    if (!data || data.length < 9 + 16 + 16 + 32 || data[0] !== VERSION || (data.length - 9 - 16 - 32) % 16 !== 0) {
      throw new InvalidTokenError("Not a Fernet token (bad encoding, version or length).");
    }
    const body = data.subarray(0, data.length - 32);
    const expected = createHmac("sha256", this.signingKey).update(body).digest();
    if (!timingSafeEqual(expected, data.subarray(data.length - 32))) throw new InvalidTokenError("The token's signature does not match this key.");
    if (ttlSeconds !== undefined) {
      const stamped = Number(data.readBigUInt64BE(1));
      const current = Math.floor(now.getTime() / 1000);
      if (stamped + ttlSeconds < current) throw new InvalidTokenError("The token has expired.");
      if (current + MAX_CLOCK_SKEW_SECONDS < stamped) throw new InvalidTokenError("The token is stamped too far in the future.");
    }
    try {
      const decipher = createDecipheriv("aes-128-cbc", this.encryptionKey, data.subarray(9, 25));
      return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]);
    } catch {
      throw new InvalidTokenError("The token's padding is invalid.");
    }
  }

  decrypt(token: string, ttlSeconds?: number, now?: Date): string {
    return this.decryptBytes(token, ttlSeconds, now).toString("utf8");
  }
}

/** Several keys: encrypts with the first, decrypts with any (Airflow's comma-separated fernet_key, for rotation). */
export class MultiFernet {
  readonly keys: Fernet[];

  constructor(keys: string[]) {
    if (!keys.length) throw new Error("MultiFernet needs at least one key.");
    this.keys = keys.map((k) => new Fernet(k));
  }

  encrypt(plaintext: string): string {
    return this.keys[0].encrypt(plaintext);
  }

  decrypt(token: string): string {
    for (const key of this.keys) {
      try {
        return key.decrypt(token);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
      }
    }
    throw new InvalidTokenError("No configured Fernet key can decrypt this value: was it written with a key that is no longer in UPDRAFT_FERNET_KEY?");
  }

  /** The token re-encrypted with the first key (for `rotate-key`). */
  rotate(token: string): string {
    return this.encrypt(this.decrypt(token));
  }
}
