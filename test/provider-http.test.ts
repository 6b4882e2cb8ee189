import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag } from "updraft";
import { runDag } from "updraft/testing";
import { HttpHook, HttpOperator, HttpSensor, TokenBucket, retryDelaySeconds, type HttpResponse } from "updraft/providers/http";
import { parseConnectionUri } from "../core/connection-uri.ts";
import { startDemoApi, type DemoApi } from "../dags/phase9/lib/demo-api.ts";
import { freePort } from "./helpers/free-port.ts";
import { connectionsFrom } from "./helpers/provider-secrets.ts";

describe("HTTP retry timing and rate limiting", () => {
  it("backs off exponentially, honours Retry-After in seconds or as a date, capped", () => {
    const policy = { retries: 5, initialDelay: 1, maxDelay: 10 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(policy, n, null))).toEqual([1, 2, 4, 8, 10]);
    expect(retryDelaySeconds(policy, 1, "3")).toBe(3);
    expect(retryDelaySeconds(policy, 1, "120")).toBe(10);
    const now = Date.parse("2024-01-01T00:00:00Z");
    expect(retryDelaySeconds(policy, 1, "Mon, 01 Jan 2024 00:00:05 GMT", now)).toBe(5);
  });

  it("lets a burst through, then spaces requests at the configured rate", async () => {
    const bucket = new TokenBucket({ requestsPerSecond: 20, burst: 2 });
    const started = performance.now();
    for (let i = 0; i < 4; i++) await bucket.acquire();
    // 2 free, then 2 more at 20/s: at least ~100 ms in all.
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });
});

describe("HTTP provider against a local API", () => {
  let api: DemoApi;
  let oauthConn: string;

  beforeAll(async () => {
    api = await startDemoApi({ readyAfter: 2, orders: 5 });
    const port = new URL(api.url).port;
    oauthConn = `http://orders-client:s3cret@127.0.0.1:${port}?auth_type=oauth2_client_credentials&token_url=%2Foauth%2Ftoken&scope=orders`;
  });
  afterAll(() => api.close());

  const hook = (extra: Partial<ConstructorParameters<typeof HttpHook>[0]> = {}) =>
    new HttpHook({ method: "GET", connection: connectionsFromUri(oauthConn), retry: { initialDelay: 0.01 }, ...extra });

  it("gets an OAuth2 token once, reuses it, and renews it once when the API answers 401", async () => {
    const before = api.stats.tokensIssued;
    const h = hook();
    expect((await h.run("/api/orders", { page: 1 })).json().orders).toHaveLength(2);
    await h.run("/api/orders", { page: 2 });
    expect(api.stats.tokensIssued - before).toBe(1);
    api.revokeTokens();
    expect((await h.run("api/orders", { page: 3 })).json().orders).toEqual([{ id: 5, amount: 50, status: "new" }]);
    expect(api.stats.tokensIssued - before).toBe(2);
  });

  it("refuses bad client credentials with a message naming the fix", async () => {
    const bad = new HttpHook({ method: "GET", connection: connectionsFromUri(oauthConn.replace("s3cret", "wrong")) });
    await expect(bad.run("/api/orders")).rejects.toThrow(/OAuth2 token request .* failed with HTTP 401.*client secret/);
  });

  it("retries 503 and 429 with backoff and Retry-After, and gives up after the retry limit", async () => {
    const h = hook();
    api.failNext(2, 503);
    const before = api.stats.requests;
    expect((await h.run("/api/orders")).status).toBe(200);
    expect(api.stats.requests - before).toBe(3);

    api.failNext(1, 429, "1");
    await h.run("/api/orders");
    const [refused, retried] = api.stats.times.slice(-2);
    expect(retried! - refused!).toBeGreaterThanOrEqual(900); // waited the Retry-After, not the 10 ms backoff

    api.failNext(10, 500);
    await expect(hook({ retry: { retries: 2, initialDelay: 0.01 } }).run("/api/orders")).rejects.toThrow(/^500:/);
    api.failNext(0, 500);
    // A 4xx other than 401/429 is not retried.
    const b = api.stats.requests;
    await expect(h.run("/api/nothing")).rejects.toThrow(/^404:/);
    expect(api.stats.requests - b).toBe(1);
  });

  it("times out a slow request and says so; a closed port fails fast with what to check", async () => {
    api.slowMs = 1500;
    await expect(hook({ timeout: 0.2, retry: { retries: 0 } }).run("/api/slow")).rejects.toThrow(/timed out/);
    const closed = new HttpHook({ method: "GET", connection: { connId: "down", connType: "http", host: "127.0.0.1", port: await freePort() }, retry: { retries: 1, initialDelay: 0.01 } });
    await expect(closed.run("/x")).rejects.toThrow(/failed after 2 attempt\(s\): ECONNREFUSED.*service is running/);
  });

  it("paginates, checks and filters responses in an HttpOperator, and waits with an HttpSensor", async () => {
    const built = dag({ dagId: "http_provider_ops", schedule: null, startDate: "2024-01-01" }, () => {
      new HttpSensor({ taskId: "wait_ready", httpConnId: "orders_api", endpoint: "/api/status", responseCheck: (r) => r.json().status === "ready", pokeInterval: 0.05, timeout: 5 });
      new HttpOperator({
        taskId: "all_orders",
        httpConnId: "orders_api",
        method: "GET",
        endpoint: "/api/orders",
        data: { page: 1, per_page: 2, day: "{{ ds }}" },
        rateLimit: { requestsPerSecond: 50, burst: 1 },
        paginationFunction: (r: HttpResponse) => (r.json().next_page ? { data: { page: r.json().next_page } } : null),
        responseCheck: (rs: HttpResponse[]) => rs.every((r) => r.status === 200),
        responseFilter: (rs: HttpResponse[]) => rs.flatMap((r) => r.json().orders.map((o: { id: number }) => o.id)),
      });
      new HttpOperator({ taskId: "post_report", httpConnId: "orders_api", endpoint: "/api/reports", data: { day: "{{ ds }}" }, responseFilter: (r: HttpResponse) => r.json().received, logResponse: true });
      new HttpOperator({ taskId: "check_fails", httpConnId: "orders_api", method: "GET", endpoint: "/api/orders", responseCheck: (r: HttpResponse) => r.json().orders.length > 10 });
      new HttpSensor({ taskId: "never_ready", httpConnId: "orders_api", endpoint: "/api/nothing-here", pokeInterval: 0.05, timeout: 0.3, softFail: true });
    });
    const run = await runDag(built, { logicalDate: "2024-01-03", secrets: connectionsFrom({ orders_api: oauthConn }) });
    expect(run.states).toEqual({ wait_ready: "success", all_orders: "success", post_report: "success", check_fails: "failed", never_ready: "skipped" });
    expect(run.returnValue("all_orders")).toEqual([1, 2, 3, 4, 5]);
    expect(run.returnValue("post_report")).toEqual({ day: "2024-01-03" });
    expect(run.logs.join("\n")).toMatch(/Response check returned False/);
  });

  it("waits in reschedule mode, freeing the worker between pokes", async () => {
    const slowStart = await startDemoApi({ readyAfter: 2 });
    try {
      const conn = `http://orders-client:s3cret@127.0.0.1:${new URL(slowStart.url).port}?auth_type=oauth2_client_credentials&token_url=%2Foauth%2Ftoken`;
      const built = dag({ dagId: "http_reschedule", schedule: null, startDate: "2024-01-01" }, () => {
        new HttpSensor({ taskId: "ready", httpConnId: "api", endpoint: "/api/status", mode: "reschedule", pokeInterval: 0.05, timeout: 10 });
      });
      const states: Array<string | null> = [];
      const run = await runDag(built, { secrets: connectionsFrom({ api: conn }), onStateChange: (e) => states.push(e.state) });
      expect(run.states.ready).toBe("success");
      expect(states.filter((s) => s === "up_for_reschedule")).toHaveLength(2);
      expect(slowStart.stats.requests).toBe(3);
    } finally {
      await slowStart.close();
    }
  });

  it("sends basic and bearer auth and the extra's headers", async () => {
    const seen: Array<string | undefined> = [];
    const { createServer } = await import("node:http");
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization, req.headers["x-team"] as string | undefined);
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await new HttpHook({ connection: connectionsFromUri(`http://ann:pw@127.0.0.1:${port}?X-Team=data`) }).run("/");
      await new HttpHook({ connection: connectionsFromUri(`http://:tok123@127.0.0.1:${port}?auth_type=bearer`) }).run("/");
    } finally {
      server.close();
    }
    expect(seen).toEqual([`Basic ${Buffer.from("ann:pw").toString("base64")}`, "data", "Bearer tok123", undefined]);
  });
});

function connectionsFromUri(uri: string) {
  return parseConnectionUri("orders_api", uri);
}
