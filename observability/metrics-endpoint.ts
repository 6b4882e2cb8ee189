import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type express from "express";
import { registry } from "./metrics.ts";
import "./scrape-gauges.ts";

/** GET /metrics in Prometheus's text format: what this process's scheduler, executor and DAG processor recorded. */
export function metricsHandler(): express.RequestHandler {
  return (_req, res, next) => {
    registry.metrics().then((text) => res.type(registry.contentType).send(text), next);
  };
}

/**
 * `updraft scheduler` with UPDRAFT_METRICS_PORT: its own /metrics endpoint (the scheduler serves no web server).
 * Returns null when the variable is unset.
 */
export async function startMetricsServer(port = process.env.UPDRAFT_METRICS_PORT, host = process.env.UPDRAFT_HOST || "127.0.0.1"): Promise<{ url: string; close(): Promise<void> } | null> {
  if (port === undefined || port === "") return null;
  const number = Number(port);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    throw new Error(`UPDRAFT_METRICS_PORT "${port}" is not a port number: set it to the port Prometheus should scrape (0 = any free port).`);
  }
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Only GET /metrics is served here.\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`Could not collect the metrics: ${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`UPDRAFT_METRICS_PORT ${number} is already in use: choose another port.`) : error));
    server.listen(number, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
