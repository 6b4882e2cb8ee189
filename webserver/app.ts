import type { AddressInfo } from "node:net";
import express from "express";
import type { ExecutionApi } from "./execution-api/execution-api.ts";
import { EXECUTION_API_PREFIX } from "./execution-api/protocol.ts";
import { executionApiRouter } from "./execution-api/router.ts";
import type { Queryable } from "../core/store/database.ts";
import { mountObservability } from "../observability/routes.ts";

export interface WebserverOptions {
  executionApi: ExecutionApi;
  /** Extra routers (the REST API, the UI) mounted after the execution API. */
  routers?: Array<{ path: string; router: express.Router }>;
  /** The metadata database: GET /health reports on it, GET /metrics reads pool and import-error gauges from it. */
  db?: Queryable;
}

export function createApp(options: WebserverOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(EXECUTION_API_PREFIX, executionApiRouter(options.executionApi));
  mountObservability(app, options.db);
  for (const { path, router } of options.routers ?? []) app.use(path, router);
  return app;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function listen(app: express.Express, port: number, host = "127.0.0.1"): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.keepAliveTimeout = 65_000;
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${port} is already in use: stop what uses it or pass --port.`) : error);
    });
    server.once("listening", () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
