import type { LineageDataset } from "./types.ts";

/**
 * A dataset URI (an Airflow Dataset's, or a path/bucket an operator names) as OpenLineage's naming spec names it:
 * `postgres://host:5432/db.schema.table` → namespace `postgres://host:5432`, name `db.schema.table`;
 * `s3://bucket/key` → `s3://bucket`, `key`; `/tmp/x` or `file:///tmp/x` → `file`, `/tmp/x`;
 * anything without a scheme keeps its text as name in the `updraft` namespace.
 */
export function datasetFromUri(uri: string): LineageDataset {
  if (uri.startsWith("/")) return { namespace: "file", name: uri };
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)(\/.*)?$/.exec(uri);
  if (!match) return { namespace: "updraft", name: uri };
  const [, scheme, authority, path = ""] = match;
  const lower = scheme.toLowerCase();
  if (lower === "file") return { namespace: authority ? `file://${authority}` : "file", name: path || "/" };
  if (["postgres", "postgresql", "mysql", "redshift", "mssql", "sqlite"].includes(lower)) {
    const parts = path.replace(/^\//, "").split("/").filter(Boolean);
    return { namespace: `${lower === "postgresql" ? "postgres" : lower}://${authority}`, name: parts.join(".") };
  }
  return { namespace: `${lower}://${authority}`, name: path.replace(/^\//, "") || "/" };
}

export function datasetKey(d: { namespace: string; name: string }): string {
  return `${d.namespace}\u0000${d.name}`;
}

/** Marquez's node ids: `dataset:<namespace>:<name>`, `job:<namespace>:<name>`. */
export function nodeId(kind: "dataset" | "job", d: { namespace: string; name: string }): string {
  return `${kind}:${d.namespace}:${d.name}`;
}

/** Splits a Marquez node id. The namespace may itself contain ':' (`postgres://h:5432`), so the name is after the last ':' that is not part of a URI authority. */
export function parseNodeId(id: string): { kind: "dataset" | "job"; namespace: string; name: string } | null {
  const m = /^(dataset|job):(.+)$/.exec(id);
  if (!m) return null;
  const rest = m[2];
  const uri = /^([a-z][a-z0-9+.-]*:\/\/[^/:]*(?::\d+)?):(.*)$/i.exec(rest);
  if (uri) return { kind: m[1] as "dataset" | "job", namespace: uri[1], name: uri[2] };
  const colon = rest.indexOf(":");
  if (colon <= 0) return null;
  return { kind: m[1] as "dataset" | "job", namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}
