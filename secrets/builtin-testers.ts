import pg from "pg";
import { registerConnectionTester, type ConnectionTestResult } from "../core/connection-testers.ts";
import type { ConnectionInfo } from "../core/types.ts";

/** How long a test waits for the server before calling the connection broken. */
const TEST_TIMEOUT_MS = 5000;

/** PostgreSQL: connects and runs `SELECT 1`, as Airflow's PostgresHook.test_connection does. */
async function testPostgres(c: ConnectionInfo): Promise<ConnectionTestResult> {
  const client = new pg.Client({
    host: c.host ?? "localhost", port: c.port ?? 5432, user: c.login ?? undefined, password: c.password ?? undefined,
    database: c.schema || undefined, connectionTimeoutMillis: TEST_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { status: true, message: "Connection successfully tested" };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The base URL of an HTTP connection: host may carry its own scheme (`http://…`), else the connection type's. */
export function httpBaseUrl(c: ConnectionInfo): string {
  const host = c.host ?? "";
  const withScheme = /^https?:\/\//.test(host) ? host : `${c.connType === "https" || c.schema === "https" ? "https" : "http"}://${host}`;
  const url = new URL(withScheme);
  if (c.port) url.port = String(c.port);
  return url.toString();
}

/** HTTP: a GET of the base URL (with basic auth when the connection has a login) answering 2xx or 3xx. */
async function testHttp(c: ConnectionInfo): Promise<ConnectionTestResult> {
  const headers: Record<string, string> = {};
  if (c.login) headers.authorization = `Basic ${Buffer.from(`${c.login}:${c.password ?? ""}`).toString("base64")}`;
  const response = await fetch(httpBaseUrl(c), { headers, redirect: "manual", signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
  await response.body?.cancel();
  return response.status < 400
    ? { status: true, message: "Connection successfully tested" }
    : { status: false, message: `HTTP ${response.status} ${response.statusText}` };
}

for (const type of ["postgres", "postgresql"]) registerConnectionTester(type, testPostgres);
for (const type of ["http", "https"]) registerConnectionTester(type, testHttp);
