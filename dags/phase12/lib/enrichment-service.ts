import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseTraceparent } from "updraft/observability";

/**
 * A stand-in for a downstream HTTP service, as an instrumented one behaves: it reads the caller's W3C `traceparent`,
 * records its own work as a child of the caller's span, and answers with what it did. Started by the task itself on
 * a free local port, so the example needs nothing running.
 */
export interface ServiceSpan {
  traceId: string;
  parentSpanId: string;
  name: string;
  rows: number;
}

export async function startEnrichmentService(): Promise<{ url: string; spans: ServiceSpan[]; close(): Promise<void> }> {
  const spans: ServiceSpan[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const parent = parseTraceparent(req.headers.traceparent as string | undefined);
      if (!parent) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "missing or malformed traceparent header" }));
        return;
      }
      const rows = (JSON.parse(body) as Array<{ id: number }>).map((row) => ({ ...row, region: row.id % 2 ? "emea" : "amer" }));
      spans.push({ traceId: parent.traceId, parentSpanId: parent.parentSpanId, name: "enrich", rows: rows.length });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rows));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/enrich`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
