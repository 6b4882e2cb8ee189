import { RequestError } from "../core/runs/request-error.ts";
import type { ConnectionRow } from "../core/store/queries/connections.ts";

/**
 * What a pool, variable or connection may be, and what of them is secret: the REST API and the UI check the same
 * rules, so a value refused by one is refused by the other with the same words.
 */

// Airflow's default sensitive_var_conn_names: a variable (or a connection extra field) whose name contains one of
// these has its value hidden.
const SENSITIVE = ["access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account"];
export const isSensitive = (key: string) => SENSITIVE.some((word) => key.toLowerCase().includes(word));

/** What the UI shows instead of a hidden value; given back in an extra field, it means "keep the stored value". */
export const HIDDEN = "***";

/** Why default_pool stays (the REST API's 400 and the UI's note say the same). */
export const DEFAULT_POOL_KEPT = "default_pool cannot be deleted (every task without a pool uses it); resize it instead.";

// slot_pool.slots is a PostgreSQL integer.
const MAX_SLOTS = 2_147_483_647;

export function checkSlots(slots: number | null): number {
  if (slots !== null && Number.isInteger(slots) && slots > MAX_SLOTS) {
    throw new RequestError(400, `slots ${slots} is out of range: at most ${MAX_SLOTS}, or -1 for unlimited.`);
  }
  if (slots === null || !Number.isInteger(slots) || slots < -1) {
    throw new RequestError(400, "slots must be a whole number ≥ 0, or -1 for unlimited.");
  }
  return slots;
}

// Airflow's connection id rule (airflow.utils.helpers.validate_key): letters, digits, _ . - and at most 250 of them.
const CONN_ID = /^[\w.-]{1,250}$/;

/** Refuses a connection with a bad id, no type, or an extra that is not a JSON object. */
export function checkConnection(row: ConnectionRow): void {
  if (!CONN_ID.test(row.conn_id)) throw new RequestError(400, `connection_id "${row.conn_id}" is invalid: use 1–250 letters, digits, _ . or -.`);
  if (!row.conn_type) throw new RequestError(400, "conn_type is required (e.g. http, postgres, fs).");
  if (row.extra !== null && row.extra !== "") extraObject(row.extra);
}

function extraObject(extra: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(extra);
  } catch {
    throw new RequestError(400, 'extra must be a JSON object in a string, e.g. "{\\"timeout\\": 10}".');
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new RequestError(400, "extra must be a JSON object in a string.");
  return parsed as Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === "object" && !Array.isArray(v);

// Airflow's secrets masker redacts nested fields too ({"auth": {"token": …}}), so both walk the whole value.
const masked = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(masked)
    : isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSensitive(k) ? HIDDEN : masked(v)]))
      : value;

function unmasked(edited: unknown, stored: unknown): unknown {
  if (Array.isArray(edited) && Array.isArray(stored)) return edited.map((v, i) => unmasked(v, stored[i]));
  if (!isObject(edited) || !isObject(stored)) return edited;
  return Object.fromEntries(Object.entries(edited).map(([k, v]) => [k, v === HIDDEN && isSensitive(k) && k in stored ? stored[k] : unmasked(v, stored[k])]));
}

/** A connection's extra for an edit form: fields with a secret-looking name, at any depth, show `***` (as Airflow's UI). */
export function maskExtra(extra: string | null): string {
  if (!extra) return "";
  try {
    return JSON.stringify(masked(extraObject(extra)), null, 2);
  } catch {
    // Not an object (written by other means): show nothing rather than risk showing a secret in it.
    return "";
  }
}

/** An edited extra with each `***` of a secret-looking field put back to the stored value. */
export function unmaskExtra(given: string, stored: string | null): string {
  if (!given.includes(HIDDEN)) return given;
  let before: unknown = {};
  try {
    before = stored ? extraObject(stored) : {};
  } catch {
    // A stored extra that is not an object has no fields to keep.
  }
  return JSON.stringify(unmasked(extraObject(given), before));
}
