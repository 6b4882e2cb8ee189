/**
 * phase9_02_api_integration — the HTTP provider against an OAuth2-protected, paginated API.
 *
 * Shows: an `HttpSensor` waiting for the API to report ready (a 404 means "not yet"); an `HttpOperator` that gets an
 * OAuth2 client-credentials token from the connection (cached, renewed on 401), follows pages with a
 * `paginationFunction`, retries 5xx/429 with backoff (honouring Retry-After) under a token-bucket rate limit, checks
 * and filters the responses; a TaskFlow task posting a report through `HttpHook`.
 *
 * Needs the demo orders API. Run it:
 *   node bin/run-ts.js dags/phase9/lib/demo-api.ts &      # listens on 127.0.0.1:8787
 *   export AIRFLOW_CONN_ORDERS_API='http://orders-client:s3cret@127.0.0.1:8787?auth_type=oauth2_client_credentials&token_url=%2Foauth%2Ftoken'
 *   updraft dags test phase9_02_api_integration 2024-01-03
 * Without the API the sensor fails within seconds: "Request to http://127.0.0.1:8787/… failed … Check that the
 * service is running".
 */
import { dag, getCurrentContext, task, type XComArg } from "updraft";
import { HttpHook, HttpOperator, HttpSensor, type HttpResponse } from "updraft/providers/http";

interface Order {
  id: number;
  amount: number;
  status: string;
}

const postReport = task(async function postReport(orders: Order[]) {
  const context = getCurrentContext();
  const hook = new HttpHook({ httpConnId: "orders_api", method: "POST", connection: await context.connections.get("orders_api"), log: context.log });
  const report = { day: context.logicalDate.toISOString().slice(0, 10), orders: orders.length, total: orders.reduce((sum, o) => sum + o.amount, 0) };
  return (await hook.run("/api/reports", report)).json().id as string;
});

export default dag(
  {
    dagId: "phase9_02_api_integration",
    description: "Pulls every page of orders from an OAuth2 API and posts a daily report",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase9", "providers", "http"],
  },
  () => {
    const ready = new HttpSensor({
      taskId: "api_ready",
      httpConnId: "orders_api",
      endpoint: "/api/status",
      responseCheck: (response) => response.json().status === "ready",
      pokeInterval: 0.5,
      timeout: 20,
      retry: { retries: 1, initialDelay: 0.5 },
    });
    const orders = new HttpOperator({
      taskId: "fetch_orders",
      httpConnId: "orders_api",
      method: "GET",
      endpoint: "/api/orders",
      data: { page: 1, per_page: 2, day: "{{ ds }}" },
      retry: { retries: 3, initialDelay: 0.5, maxDelay: 10 },
      rateLimit: { requestsPerSecond: 5, burst: 2 },
      requestTimeout: 10,
      paginationFunction: (response: HttpResponse) => {
        const next = response.json().next_page;
        return next ? { data: { page: next } } : null;
      },
      responseCheck: (pages: HttpResponse[]) => pages.every((page) => Array.isArray(page.json().orders)),
      responseFilter: (pages: HttpResponse[]) => pages.flatMap((page) => page.json().orders as Order[]),
    });
    ready.then(orders);
    postReport(orders.output as XComArg<Order[]>);
  },
);
