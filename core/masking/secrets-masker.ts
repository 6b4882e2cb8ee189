/**
 * Airflow's secrets masker: values a task learns as secrets (connection passwords, sensitive extra fields, variables
 * whose key names a secret) are replaced by `***` wherever the process writes them — its log, rendered template fields,
 * what it reports. The runner learns them as it reads them (masking-runtime.ts), so a task never has to ask.
 */

/** Airflow's DEFAULT_SENSITIVE_FIELDS: a key containing one of these (any case) holds a secret. */
export const SENSITIVE_WORDS = [
  "access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account",
] as const;

export const MASK = "***";

/**
 * Shorter values are not masked: replacing every "true" or "5432" in a log would hide more than it protects
 * (Airflow 3 chose 5 for the same reason).
 */
export const MIN_MASKED_LENGTH = 5;

export function isSensitiveKey(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_WORDS.some((word) => lower.includes(word));
}

export class SecretsMasker {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;

  /**
   * Learns a secret. A string is masked when it has no name or its name is sensitive; in an object or array, each
   * value under a sensitive key (at any depth) is.
   */
  add(secret: unknown, name?: string): void {
    if (secret === null || secret === undefined) return;
    if (typeof secret === "object") {
      for (const [key, value] of Object.entries(secret as Record<string, unknown>)) {
        if (Array.isArray(secret)) this.add(value, name);
        else if (isSensitiveKey(key)) this.addAll(value);
        else if (value && typeof value === "object") this.add(value, key);
      }
      return;
    }
    if (name !== undefined && !isSensitiveKey(name)) return;
    this.addString(String(secret));
  }

  /** Every leaf of `value` is a secret (it sits under a sensitive key). */
  private addAll(value: unknown): void {
    if (value && typeof value === "object") for (const v of Object.values(value)) this.addAll(v);
    else if (value !== null && value !== undefined) this.addString(String(value));
  }

  private addString(secret: string): void {
    if (secret.length < MIN_MASKED_LENGTH) return;
    // The forms a secret takes once written out: as is, URL-encoded (in a URI), JSON-escaped (in a logged object).
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (!this.secrets.has(form)) {
        this.secrets.add(form);
        this.pattern = null;
      }
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The text with every known secret replaced by `***`. */
  redact(text: string): string {
    if (!this.secrets.size) return text;
    this.pattern ??= new RegExp(
      [...this.secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
      "g",
    );
    return text.replace(this.pattern, MASK);
  }

  /** A copy of a JSON-like value: values under sensitive keys become `***`, known secrets inside strings too. */
  redactJson<T>(value: T, name?: string): T {
    if (name !== undefined && isSensitiveKey(name) && value !== null && value !== undefined && value !== "") return MASK as T;
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactJson(v)) as T;
    // Plain objects only: a class instance (a Date, a trigger…) is left whole rather than flattened.
    if (value && typeof value === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactJson(v, k)])) as T;
    }
    return value;
  }

  clear(): void {
    this.secrets.clear();
    this.pattern = null;
  }
}

/** The process's masker: the runner's, or the webserver's for what it serves. */
export const secretsMasker = new SecretsMasker();

/** Registers a secret with the process's masker (Airflow's `mask_secret`), e.g. a token a task fetched itself. */
export function maskSecret(secret: unknown, name?: string): void {
  secretsMasker.add(secret, name);
}

export const redact = (text: string): string => secretsMasker.redact(text);
export const redactJson = <T>(value: T, name?: string): T => secretsMasker.redactJson(value, name);

/** A try's outcome with any secret in its error message masked. */
export function redactOutcome<T extends object>(outcome: T): T {
  return "error" in outcome && typeof outcome.error === "string" ? { ...outcome, error: secretsMasker.redact(outcome.error) } : outcome;
}
