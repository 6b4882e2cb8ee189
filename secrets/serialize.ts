import { stringify as toYaml } from "yaml";
import type { ConnectionInfo, JsonObject } from "../core/types.ts";

/** Airflow's Connection.get_uri(): `<type>://<login>:<password>@<host>:<port>/<schema>?<extra>`, parts URL-encoded. */
export function connectionUri(c: ConnectionInfo): string {
  let host = c.host ?? "";
  let prefix = `${c.connType.replaceAll("_", "-")}://`;
  const nested = host.indexOf("://");
  if (nested > 0) {
    prefix += host.slice(0, nested + 3);
    host = host.slice(nested + 3);
  }
  const q = (v: string) => encodeURIComponent(v);
  const auth = c.login || c.password ? `${c.login ? q(c.login) : ""}${c.password ? `:${q(c.password)}` : ""}@` : "";
  const port = c.port ? `:${c.port}` : "";
  const schema = c.schema ? `/${q(c.schema)}` : "";
  let uri = `${prefix}${auth}${host}${port}${schema}`;
  const extra = c.extra ?? null;
  if (extra && Object.keys(extra).length) {
    const flat = Object.values(extra).every((v) => typeof v === "string");
    const params = flat ? new URLSearchParams(extra as Record<string, string>) : new URLSearchParams({ __extra__: JSON.stringify(extra) });
    uri += `${c.schema ? "" : "/"}?${params.toString()}`;
  }
  return uri;
}

/** Airflow's JSON form of a connection (what `--conn-json` takes and `export --serialization-format json` writes). */
export function connectionJsonForm(c: ConnectionInfo): JsonObject {
  return {
    conn_type: c.connType, description: c.description ?? null, login: c.login ?? null, password: c.password ?? null, host: c.host ?? null,
    port: c.port ?? null, schema: c.schema ?? null, extra: c.extra ? JSON.stringify(c.extra) : null,
  };
}

export type FileFormat = "json" | "yaml" | "env";

export function fileFormatOf(path: string, given: string | undefined): FileFormat {
  const format = (given ?? (path.endsWith(".yaml") || path.endsWith(".yml") ? "yaml" : path.endsWith(".env") ? "env" : "json")).toLowerCase();
  if (format !== "json" && format !== "yaml" && format !== "env") throw new Error(`Unknown file format "${format}": use json, yaml or env.`);
  return format;
}

/** Entries (id → value) written as JSON, YAML or .env (`KEY=value`, values that are not strings as JSON). */
export function writeEntries(entries: Record<string, unknown>, format: FileFormat): string {
  if (format === "json") return `${JSON.stringify(entries, null, 2)}\n`;
  if (format === "yaml") return toYaml(entries);
  return Object.entries(entries).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}\n`).join("");
}
