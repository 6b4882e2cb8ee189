import { isoformat } from "../dates.ts";

/**
 * How a value prints inside a template. Dates print like Python's `str()` of a pendulum datetime; lists and objects
 * print as JSON rather than `[object Object]`, so `{{ params.tables }}` gives something a shell or SQL can use.
 */
export function formatOutput(value: unknown): string {
  if (value === undefined || value === null || typeof value === "function") return "";
  if (typeof value === "string") return value;
  if (value instanceof Date) return isoformat(value);
  if (typeof value === "object") return toJson(value);
  return String(value);
}

/** JSON text of a value, with dates as Airflow's isoformat instead of JavaScript's `…000Z`. */
export function toJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
        const raw = this[key];
        return raw instanceof Date ? isoformat(raw) : item;
      }) ?? ""
    );
  } catch {
    return String(value);
  }
}

/** Jinja's truthiness: empty lists and objects are false too. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Date) return true;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}
