import { RequestError } from "../../core/runs/request-error.ts";
import { recordEvent, type LoggedEvent } from "../../core/store/queries/event-log.ts";
import { clientAddress, markAudited } from "../audit-trail.ts";
import type { Queryable } from "../../core/store/database.ts";
import { dateField } from "./handle.ts";
import type { Call } from "./route.ts";

/** Typed reads of a call's validated query parameters and body fields. */
export const str = (source: Record<string, unknown>, name: string): string | null => (typeof source[name] === "string" ? (source[name] as string) : null);
export const num = (source: Record<string, unknown>, name: string): number | null => (typeof source[name] === "number" ? (source[name] as number) : null);
export const bool = (source: Record<string, unknown>, name: string): boolean | null => (typeof source[name] === "boolean" ? (source[name] as boolean) : null);
export const list = (source: Record<string, unknown>, name: string): string[] => (Array.isArray(source[name]) ? (source[name] as string[]) : []);
export const date = (source: Record<string, unknown>, name: string): Date | null => dateField(source[name], name);

/** `~` in a path means every DAG / run / task: null. */
export const wildcard = (value: string): string | null => (value === "~" ? null : value);

/** The DAGs a list covers: those named (or all) within those the user may read. */
export async function dagScope(call: Call, named: readonly string[] | null): Promise<string[] | null> {
  const readable = await call.readableDagIds();
  if (readable === null) return named ? [...named] : null;
  return named ? named.filter((d) => readable.includes(d)) : readable;
}

/** `fields` (ReturnFields): only these fields of each object; an unknown one is a 400. */
export function pickFields<T extends Record<string, unknown>>(objects: T[], fields: string[]): Array<Partial<T>> {
  if (!fields.length || !objects.length) return objects;
  const known = Object.keys(objects[0]);
  const unknown = fields.filter((f) => !known.includes(f));
  if (unknown.length) throw new RequestError(400, `Unknown field(s) in fields: ${unknown.join(", ")}. Known: ${known.join(", ")}.`);
  return objects.map((o) => Object.fromEntries(fields.map((f) => [f, o[f]])) as Partial<T>);
}

/** Writes a REST API change to the event log, as the user who made it. */
export function audit(db: Queryable, call: Call, event: string, details: Omit<LoggedEvent, "event" | "owner"> = {}): Promise<void> {
  markAudited(call.res);
  return recordEvent(db, { ...details, event, owner: call.user.username, extra: withOrigin(details.extra, call) });
}

/** The event's extra with where the request came from (the audit trail's "from where"). */
function withOrigin(extra: string | null | undefined, call: Call): string {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = extra ? JSON.parse(extra) : {};
    details = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { details: parsed };
  } catch {
    details = { details: extra };
  }
  return JSON.stringify({ ...details, ip: clientAddress(call.req), via: "rest" });
}
