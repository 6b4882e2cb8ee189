const NAIVE_ISO = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch milliseconds of a timestamp cell; naive timestamps are UTC (Feast's coerce_tz_aware). null for a missing cell. */
export function toMillis(value: unknown, what: string): number | null {
  if (value === null || value === undefined || value === "") return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error(`${what} is an invalid date.`);
    return value.getTime();
  }
  if (typeof value === "string" && ISO.test(value.trim())) {
    const text = value.trim().replace(" ", "T");
    const ms = Date.parse(NAIVE_ISO.test(value.trim()) ? (text.length === 10 ? `${text}T00:00:00Z` : `${text}Z`) : text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`${what} is not a timestamp: ${JSON.stringify(value)} (use ISO 8601, e.g. "2024-01-03T10:00:00Z").`);
}

export function isTimestampCell(value: unknown): boolean {
  return value instanceof Date || (typeof value === "string" && ISO.test(value.trim()) && value.trim().length >= 10);
}

export const iso = (ms: number) => new Date(ms).toISOString();
