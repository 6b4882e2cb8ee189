import { fernetFromConfig, warnOnceUnencrypted } from "./fernet-key.ts";
import { UpdraftError } from "../errors.ts";
import { InvalidTokenError } from "./fernet.ts";

/** A column value as stored, with its `is_encrypted` flag. */
export interface Sealed {
  value: string | null;
  encrypted: boolean;
}

/** Encrypts a value for storage with the configured key (in clear, flagged so, when there is none). */
export function seal(plain: string | null): Sealed {
  if (plain === null || plain === "") return { value: plain, encrypted: false };
  const fernet = fernetFromConfig();
  if (!fernet) {
    warnOnceUnencrypted();
    return { value: plain, encrypted: false };
  }
  return { value: fernet.encrypt(plain), encrypted: true };
}

/** The stored value in clear. `what` names it in the error when no configured key can decrypt it. */
export function unseal(stored: string | null, encrypted: boolean, what: string): string | null {
  if (stored === null || !encrypted) return stored;
  const fernet = fernetFromConfig();
  if (!fernet) throw new DecryptionError(`${what} is encrypted but no UPDRAFT_FERNET_KEY (or AIRFLOW__CORE__FERNET_KEY) is set: set the key it was written with.`);
  try {
    return fernet.decrypt(stored);
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      throw new DecryptionError(`${what} cannot be decrypted with the configured UPDRAFT_FERNET_KEY: it was written with another key. Add that key after a comma (key rotation) or restore it.`);
    }
    throw error;
  }
}

export class DecryptionError extends UpdraftError {
  constructor(message: string) {
    super("DECRYPTION_FAILED", message);
  }
}
