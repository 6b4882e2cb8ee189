import { DagDefinitionError } from "./errors.ts";
import type { JsonObject } from "./types.ts";

/**
 * A dataset: a URI naming some data. Tasks list datasets they produce as `outlets`; DAGs may be scheduled on them.
 * URIs are normalised as Airflow does (lower-case scheme, no auth, no trailing slash, sorted query, no fragment).
 */
export class Dataset {
  readonly uri: string;
  readonly extra: JsonObject;

  constructor(uri: string, extra: JsonObject = {}) {
    this.uri = normalizeDatasetUri(uri);
    this.extra = extra;
  }

  toJSON(): JsonObject {
    return { uri: this.uri, extra: this.extra };
  }
}

export function normalizeDatasetUri(uri: string): string {
  if (typeof uri !== "string" || uri.trim() === "") throw new DagDefinitionError("A dataset URI must be a non-empty string.");
  if (uri.length > 3000) throw new DagDefinitionError(`Dataset URI is ${uri.length} characters long; the limit is 3000.`);
  if (!/^[\x20-\x7e]*$/.test(uri)) throw new DagDefinitionError(`Dataset URI "${uri}" must be ASCII.`);
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri);
  if (!schemeMatch) return uri;
  const scheme = schemeMatch[1].toLowerCase();
  if (scheme === "airflow" || scheme === "updraft") {
    throw new DagDefinitionError(`Dataset URI "${uri}" uses the reserved scheme "${scheme}"; choose another scheme.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return uri;
  }
  const query = [...parsed.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const search = query.length ? `?${new URLSearchParams(query).toString()}` : "";
  const path = parsed.pathname.replace(/\/+$/, "");
  return `${scheme}://${parsed.host}${path}${search}`;
}
