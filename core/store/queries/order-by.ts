import { RequestError } from "../../runs/request-error.ts";
import { didYouMean } from "../../suggest.ts";

/**
 * An ORDER BY clause for a list endpoint's `order_by` (a field, `-` first for descending). Only fields of `columns`
 * are accepted, each mapped to a fixed SQL expression, so nothing a client sends reaches the SQL text; an unknown
 * field is a 400 naming the allowed ones (Airflow: "Ordering with 'x' is disallowed or the attribute does not exist").
 * `tiebreak` (fixed SQL, ascending) keeps pages stable when the field has ties.
 */
export function orderByClause(orderBy: unknown, columns: Readonly<Record<string, string>>, fallback: string, tiebreak: string): string {
  const raw = typeof orderBy === "string" && orderBy !== "" ? orderBy : fallback;
  const descending = raw.startsWith("-");
  const field = descending ? raw.slice(1) : raw;
  const column = Object.hasOwn(columns, field) ? columns[field] : undefined;
  if (!column) {
    const allowed = Object.keys(columns);
    throw new RequestError(400, `Ordering with "${field}" is disallowed or the attribute does not exist: use one of ${allowed.join(", ")} (prefix "-" for descending).${didYouMean(field, allowed)}`);
  }
  const direction = descending ? "DESC" : "ASC";
  return `ORDER BY ${column} ${direction} NULLS LAST, ${tiebreak}`;
}

/** `limit` and `offset` as Airflow reads them: limit 0 or absent → 100, capped at maximum_page_limit 100; negatives → 400. */
export function pageOf(query: Record<string, unknown>, limitKey = "limit", offsetKey = "offset"): { limit: number; offset: number } {
  const limit = (query[limitKey] as number | undefined) ?? 100;
  const offset = (query[offsetKey] as number | undefined) ?? 0;
  if (limit < 0) throw new RequestError(400, `${limitKey} must be 0 or more (0 means the default, 100), got ${limit}.`);
  if (offset < 0) throw new RequestError(400, `${offsetKey} must be 0 or more, got ${offset}.`);
  return { limit: limit === 0 ? 100 : Math.min(limit, MAXIMUM_PAGE_LIMIT), offset };
}

/** Airflow's `[api] maximum_page_limit`. */
export const MAXIMUM_PAGE_LIMIT = 100;
