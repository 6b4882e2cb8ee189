import type { ConnectionInfo, JsonObject } from "./types.ts";

/**
 * Airflow's connection URI: `<conn-type>://<login>:<password>@<host>:<port>/<schema>?<extra>`. Fields are
 * URL-decoded; `postgresql` means `postgres` and `-` in the scheme means `_`; `__extra__=<json>` is the extra
 * verbatim, otherwise every query parameter becomes an extra string. A host with its own protocol is written
 * `<conn-type>://<protocol>://<host>…`.
 */
export function parseConnectionUri(connId: string, uri: string): ConnectionInfo {
  const schemeEnd = uri.indexOf("://");
  if (schemeEnd <= 0) {
    throw new Error(`Connection "${connId}" has an invalid URI: expected "<type>://[login[:password]@]host[:port][/schema][?extra]".`);
  }
  let connType = uri.slice(0, schemeEnd).replaceAll("-", "_");
  if (connType === "postgresql") connType = "postgres";
  let rest = uri.slice(schemeEnd + 3);
  let hostProtocol = "";
  const nested = rest.indexOf("://");
  if (nested > 0 && !rest.slice(0, nested).includes("/") && !rest.slice(0, nested).includes("@")) {
    hostProtocol = `${rest.slice(0, nested)}://`;
    rest = rest.slice(nested + 3);
  }
  const parsed = new URL(`placeholder://${rest}`);
  const decode = (value: string) => (value === "" ? null : decodeURIComponent(value));
  let extra: JsonObject | null = null;
  const query = [...parsed.searchParams.entries()];
  if (query.length) {
    const verbatim = parsed.searchParams.get("__extra__");
    extra = verbatim !== null ? (JSON.parse(verbatim) as JsonObject) : Object.fromEntries(query);
  }
  const host = decode(parsed.hostname);
  return {
    connId,
    connType,
    host: host === null ? null : `${hostProtocol}${host}`,
    login: decode(parsed.username),
    password: decode(parsed.password),
    schema: decode(parsed.pathname.replace(/^\//, "")),
    port: parsed.port ? Number(parsed.port) : null,
    extra,
  };
}

/** `AIRFLOW_CONN_<ID>` / `UPDRAFT_CONN_<ID>`: a URI, or JSON when the value starts with `{`. */
export function parseConnectionValue(connId: string, value: string): ConnectionInfo {
  if (!value.trimStart().startsWith("{")) return parseConnectionUri(connId, value);
  const json = JSON.parse(value) as Record<string, unknown>;
  const extra = typeof json.extra === "string" ? (JSON.parse(json.extra) as JsonObject) : ((json.extra as JsonObject | undefined) ?? null);
  return {
    connId,
    connType: String(json.conn_type ?? ""),
    description: (json.description as string | undefined) ?? null,
    host: (json.host as string | undefined) ?? null,
    login: (json.login as string | undefined) ?? null,
    password: (json.password as string | undefined) ?? null,
    schema: (json.schema as string | undefined) ?? null,
    port: json.port === undefined || json.port === null ? null : Number(json.port),
    extra,
  };
}
