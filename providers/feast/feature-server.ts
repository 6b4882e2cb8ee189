import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Row } from "../../mlops/quality/batch.ts";
import { FeastObjectNotFound, findView, type FeatureRepo } from "./definitions.ts";
import { latestPerEntity, materialize, materializeIncremental } from "./materialize.ts";
import { getOnlineFeatures } from "./online-read.ts";
import type { OnlineStore } from "./online-store.ts";

/** A request the caller got wrong: answered with its status and `{"detail": …}`, as Feast answers a FeastError. */
class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface RunningFeatureServer { url: string; port: number; server: Server; close(): Promise<void> }

/** Column-oriented `df` ({col: [...]}) as rows. */
function rowsOfDf(df: unknown): Row[] {
  if (!df || typeof df !== "object" || Array.isArray(df)) throw new RequestError(422, "\"df\" must be an object of columns ({\"col\": [values…]}).");
  const columns = Object.entries(df as Record<string, unknown>);
  const n = Array.isArray(columns[0]?.[1]) ? (columns[0][1] as unknown[]).length : 0;
  if (columns.some(([, v]) => !Array.isArray(v) || v.length !== n)) throw new RequestError(422, "Every column of \"df\" must be a list, all of the same length.");
  return Array.from({ length: n }, (_, j) => Object.fromEntries(columns.map(([k, v]) => [k, (v as unknown[])[j]])));
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new RequestError(422, "The body is not valid JSON.");
  }
}

/**
 * Feast's Python feature server API (`feast serve`, §3.1) served by Updraft over its own online store and the native
 * offline store: get-online-features, push (online), write-to-online-store, materialize(-incremental), health.
 */
export function startFeatureServer(repo: FeatureRepo, store: OnlineStore, options: { port?: number; host?: string } = {}): Promise<RunningFeatureServer> {
  const materializing = new Set<string>();
  const handlers: Record<string, (b: Record<string, unknown>, query: URLSearchParams) => Promise<[number, unknown]>> = {
    "POST /get-online-features": async (b) => [200, await getOnlineFeatures(repo, store, {
      features: b.features as string[] | undefined, featureService: b.feature_service as string | undefined,
      entities: b.entities as Record<string, unknown[]>, fullFeatureNames: b.full_feature_names === true,
    })],
    "POST /push": async (b) => {
      const to = (b.to as string | undefined) ?? "online";
      if (to !== "online") throw new RequestError(422, `Push "to": "${to}" is not supported by the Updraft feature server (its offline store is the source files): push "to": "online".`);
      const views = repo.featureViews.filter((v) => v.pushSource === b.push_source_name);
      if (views.length === 0) throw new RequestError(404, `Push source "${String(b.push_source_name)}" feeds no feature view of project "${repo.project}".`);
      const rows = rowsOfDf(b.df);
      for (const view of views) await store.write(repo.project, view.name, latestPerEntity(view, rows));
      return [200, null];
    },
    "POST /write-to-online-store": async (b) => {
      const view = findView(repo, String(b.feature_view_name));
      await store.write(repo.project, view.name, latestPerEntity(view, rowsOfDf(b.df)));
      return [200, null];
    },
    "POST /materialize": async (b, query) => {
      const run = () => materialize(repo, store, b.start_ts as string, b.end_ts as string, b.feature_views as string[] | undefined);
      return runMaintenance(b, query, run);
    },
    "POST /materialize-incremental": async (b, query) => {
      const run = () => materializeIncremental(repo, store, b.end_ts as string, b.feature_views as string[] | undefined);
      return runMaintenance(b, query, run);
    },
    "GET /health": async () => [200, null],
  };

  async function runMaintenance(b: Record<string, unknown>, query: URLSearchParams, run: () => Promise<unknown>): Promise<[number, unknown]> {
    const views = (b.feature_views as string[] | undefined)?.length ? (b.feature_views as string[]) : repo.featureViews.filter((v) => v.online !== false).map((v) => v.name);
    if (query.get("async") !== "true") return [200, { materialized: await run() }];
    const busy = views.filter((v) => materializing.has(v));
    if (busy.length && query.get("force") !== "true") throw new RequestError(409, `Feature views ${busy.join(", ")} are already materializing; pass force=true to start anyway.`);
    views.forEach((v) => materializing.add(v));
    // Nobody awaits an async materialization: its failure goes to the server's log, as Feast's does.
    void run()
      .catch((error: Error) => console.error(`Async materialization of ${views.join(", ")} failed: ${error.message}`))
      .finally(() => views.forEach((v) => materializing.delete(v)));
    return [202, { status: "accepted", feature_views: views }];
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const handler = handlers[`${req.method} ${url.pathname}`];
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(payload === null ? "" : JSON.stringify(payload));
    };
    if (!handler) return send(404, { detail: "Not Found" });
    body(req)
      .then((b) => handler(b, url.searchParams))
      .then(([status, payload]) => send(status, payload))
      .catch((error: Error) => (error instanceof RequestError || error instanceof FeastObjectNotFound ? send(error.status, { detail: error.message }) : send(500, error.message)));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${options.host ?? "127.0.0.1"}:${port}`, port, server,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
