import type { ConnectionInfo } from "../core/types.ts";
import type { ApiCredentials } from "./access-review.ts";

/** The REST API a connection names (`http://user:password@host:port`), for governance tasks that read or classify. */
export function apiFromConnection(connection: ConnectionInfo): ApiCredentials {
  if (!connection.host) throw new Error(`Connection "${connection.connId}" has no host: set it to Updraft's web server, e.g. http://admin:<password>@localhost:8080.`);
  const scheme = connection.connType === "https" ? "https" : "http";
  return { url: `${scheme}://${connection.host}${connection.port ? `:${connection.port}` : ""}`, username: connection.login ?? "", password: connection.password ?? "" };
}

/** Tags a dataset with a classification through the lineage API (Marquez's `POST …/datasets/{name}/tags/{tag}`). */
export async function classifyThroughApi(api: ApiCredentials, dataset: { namespace: string; name: string }, tag: string): Promise<void> {
  const url = `${api.url}/api/v1/namespaces/${encodeURIComponent(dataset.namespace)}/datasets/${encodeURIComponent(dataset.name)}/tags/${encodeURIComponent(tag)}`;
  const response = await fetch(url, { method: "POST", headers: { authorization: `Basic ${Buffer.from(`${api.username}:${api.password}`).toString("base64")}` }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`Could not tag ${dataset.namespace} ${dataset.name} as ${tag}: ${response.status} ${(await response.text()).slice(0, 200)}`);
}
