/**
 * A small orders API for phase9_02_api_integration and the HTTP provider's tests: OAuth2 client-credentials tokens,
 * a paginated JSON list behind them, a status endpoint that turns ready, and switches to inject faults (5xx/429
 * with Retry-After, revoked tokens, slow answers).
 *
 * Run it: `node bin/run-ts.js dags/phase9/lib/demo-api.ts` (port DEMO_API_PORT, default 8787; client
 * "orders-client" / secret "s3cret").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

export interface DemoApiOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** GET /api/status answers 404 this many times, then {"status":"ready"}. */
  readyAfter?: number;
  orders?: number;
}

export interface DemoApi {
  url: string;
  stats: { tokensIssued: number; requests: number; pageRequests: number; times: number[] };
  /** The next `count` API requests answer `status`, with Retry-After when given. */
  failNext(count: number, status: number, retryAfter?: string): void;
  /** Every token issued so far answers 401 from now on. */
  revokeTokens(): void;
  /** Requests to /api/slow wait this long. */
  slowMs: number;
  close(): Promise<void>;
}

export async function startDemoApi(options: DemoApiOptions = {}): Promise<DemoApi> {
  const clientId = options.clientId ?? "orders-client";
  const clientSecret = options.clientSecret ?? "s3cret";
  const total = options.orders ?? 5;
  const orders = Array.from({ length: total }, (_, i) => ({ id: i + 1, amount: (i + 1) * 10, status: i % 2 ? "shipped" : "new" }));
  const tokens = new Map<string, number>();
  let faults: { count: number; status: number; retryAfter?: string } = { count: 0, status: 500 };
  let statusCalls = 0;
  const api: DemoApi = {
    url: "",
    stats: { tokensIssued: 0, requests: 0, pageRequests: 0, times: [] },
    failNext: (count, status, retryAfter) => (faults = { count, status, retryAfter }),
    revokeTokens: () => tokens.clear(),
    slowMs: 2000,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const body = await new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (chunk) => (data += chunk)).on("end", () => resolve(data));
    });
    if (url.pathname === "/oauth/token" && req.method === "POST") {
      const [id, secret] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(":").map(decodeURIComponent);
      const form = new URLSearchParams(body);
      if (form.get("grant_type") !== "client_credentials") return send(res, 400, { error: "unsupported_grant_type" });
      if (id !== clientId || secret !== clientSecret) return send(res, 401, { error: "invalid_client" });
      const token = randomBytes(12).toString("hex");
      tokens.set(token, Date.now() + (options.tokenTtlSeconds ?? 3600) * 1000);
      api.stats.tokensIssued++;
      return send(res, 200, { access_token: token, token_type: "Bearer", expires_in: options.tokenTtlSeconds ?? 3600, scope: form.get("scope") ?? "" });
    }
    if (url.pathname === "/health") return send(res, 200, { status: "ok" });
    if (!url.pathname.startsWith("/api/")) return send(res, 404, { error: "not found" });
    api.stats.requests++;
    api.stats.times.push(Date.now());
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (!tokens.has(token) || tokens.get(token)! < Date.now()) return send(res, 401, { error: "invalid_token" });
    if (faults.count > 0) {
      faults.count--;
      return send(res, faults.status, { error: "injected fault" }, faults.retryAfter !== undefined ? { "Retry-After": faults.retryAfter } : {});
    }
    if (url.pathname === "/api/orders" && req.method === "GET") {
      api.stats.pageRequests++;
      const page = Number(url.searchParams.get("page") ?? 1);
      const perPage = Number(url.searchParams.get("per_page") ?? 2);
      const items = orders.slice((page - 1) * perPage, page * perPage);
      return send(res, 200, { page, orders: items, next_page: page * perPage < orders.length ? page + 1 : null });
    }
    if (url.pathname === "/api/status") {
      statusCalls++;
      return statusCalls > (options.readyAfter ?? 0) ? send(res, 200, { status: "ready" }) : send(res, 404, { status: "not yet" });
    }
    if (url.pathname === "/api/reports" && req.method === "POST") {
      let report: unknown;
      try {
        report = JSON.parse(body);
      } catch {
        return send(res, 400, { error: "body must be JSON" });
      }
      return send(res, 201, { id: randomBytes(4).toString("hex"), received: report });
    }
    if (url.pathname === "/api/slow") {
      await new Promise((resolve) => setTimeout(resolve, api.slowMs));
      return send(res, 200, { slow: true });
    }
    return send(res, 404, { error: "not found" });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return api;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const api = await startDemoApi({ port: Number(process.env.DEMO_API_PORT ?? 8787), readyAfter: 1 });
  console.log(`Demo orders API on ${api.url}; use:\n  export AIRFLOW_CONN_ORDERS_API='http://orders-client:s3cret@127.0.0.1:${new URL(api.url).port}?auth_type=oauth2_client_credentials&token_url=%2Foauth%2Ftoken'`);
}
