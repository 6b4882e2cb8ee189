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
  const parts = splitAuthority(connId, rest);
  const decode = (value: string) => (value === "" ? null : decodeURIComponent(value));
  let extra: JsonObject | null = null;
  const params = new URLSearchParams(parts.query);
  const query = [...params.entries()];
  if (query.length) {
    const verbatim = params.get("__extra__");
    extra = verbatim !== null ? (JSON.parse(verbatim) as JsonObject) : Object.fromEntries(query);
  }
  const host = decode(parts.host);
  return {
    connId,
    connType,
    host: host === null ? null : `${hostProtocol}${host}`,
    login: decode(parts.login),
    password: decode(parts.password),
    schema: decode(parts.path.replace(/^\//, "")),
    port: parts.port ? Number(parts.port) : null,
    extra,
  };
}

/**
 * Splits `[login[:password]@]host[:port][/path][?query]` as Python's urlsplit does — leniently: an empty host with
 * credentials (`aws://KEY:SECRET@/?region_name=…`, Airflow's documented AWS form) is allowed.
 */
function splitAuthority(connId: string, rest: string) {
  const withoutFragment = rest.split("#")[0];
  const authorityEnd = withoutFragment.search(/[/?]/);
  const authority = authorityEnd < 0 ? withoutFragment : withoutFragment.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? "" : withoutFragment.slice(authorityEnd);
  const queryStart = tail.indexOf("?");
  const path = queryStart < 0 ? tail : tail.slice(0, queryStart);
  const query = queryStart < 0 ? "" : tail.slice(queryStart + 1);
  const at = authority.lastIndexOf("@");
  const userinfo = at < 0 ? "" : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  const colon = userinfo.indexOf(":");
  const login = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? "" : userinfo.slice(colon + 1);
  const portMatch = /^(.*?)(?::(\d*))?$/.exec(hostPort)!;
  const host = portMatch[1].replace(/^\[(.*)\]$/, "$1");
  const port = portMatch[2] ?? "";
  if (port !== "" && !(Number(port) >= 0 && Number(port) <= 65535)) {
    throw new Error(`Connection "${connId}" has an invalid port "${port}" in its URI.`);
  }
  return { login, password, host: host.toLowerCase(), port, path, query };
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
