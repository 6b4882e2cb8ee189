import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { predictProba, type LogisticModel } from "../../mlops/training/logistic-regression.ts";

/**
 * A model server speaking KServe's V1 protocol and the Open Inference Protocol (V2, REST) for logistic regression
 * models trained by mlops/training: what a KServe predictor serves, runnable in-process for tests and examples.
 * Also `GET /metrics` (Prometheus text): requests by model and status code, and latency quantiles.
 */
export interface ServedModel { name: string; version?: string; model: LogisticModel; threshold?: number }

export interface RunningModelServer { url: string; port: number; server: Server; close(): Promise<void> }

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const NUMERIC = new Set(["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BF16"]);
const LATENCY_WINDOW = 1000;

interface Stats { codes: Map<number, number>; latencies: number[]; sum: number; count: number }

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** The [n, d] rows of a V2 request: one [n, d] tensor, or one [n] tensor per model feature (named after it). */
function rowsOfRequest(served: ServedModel, body: Record<string, unknown>): number[][] {
  const inputs = body.inputs as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(inputs) || inputs.length === 0) throw new HttpError(400, "\"inputs\" must be a non-empty list of tensors.");
  const d = served.model.features.length;
  const tensors = inputs.map((t) => {
    const name = String(t.name);
    const shape = t.shape as number[];
    if (!NUMERIC.has(String(t.datatype))) throw new HttpError(400, `Input "${name}" has datatype ${String(t.datatype)}; this model takes numbers (FP32, FP64, INT64, …).`);
    if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) throw new HttpError(400, `Input "${name}" needs a shape of non-negative integers.`);
    const data = (Array.isArray(t.data) ? t.data : []).flat(Infinity as 1) as unknown[];
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new HttpError(400, `Input "${name}" has ${data.length} values but its shape ${JSON.stringify(shape)} holds ${size}.`);
    if (data.some((v) => typeof v !== "number" && typeof v !== "boolean")) throw new HttpError(400, `Input "${name}" holds non-numbers.`);
    return { name, shape, data: data.map(Number) };
  });
  if (tensors.length === 1) {
    const [t] = tensors;
    const width = t.shape.length === 1 ? t.shape[0] : t.shape[1];
    if ((t.shape.length !== 2 && !(t.shape.length === 1 && width === d)) || width !== d) {
      throw new HttpError(400, `Input "${t.name}" has shape ${JSON.stringify(t.shape)}; model "${served.name}" expects [-1, ${d}] (${served.model.features.join(", ")}).`);
    }
    const n = t.shape.length === 1 ? 1 : t.shape[0];
    return Array.from({ length: n }, (_, i) => t.data.slice(i * d, (i + 1) * d));
  }
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const missing = served.model.features.filter((f) => !byName.has(f));
  if (missing.length) throw new HttpError(400, `Model "${served.name}" takes one [-1, ${d}] tensor or one tensor per feature; missing ${missing.join(", ")}.`);
  const n = byName.get(served.model.features[0])!.data.length;
  if (served.model.features.some((f) => byName.get(f)!.data.length !== n)) throw new HttpError(400, "Per-feature input tensors must have the same length.");
  return Array.from({ length: n }, (_, i) => served.model.features.map((f) => byName.get(f)!.data[i]));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw new HttpError(400, "The request body must be a JSON object.");
  }
}

export function startModelServer(models: ServedModel[], options: { port?: number; host?: string; name?: string } = {}): Promise<RunningModelServer> {
  const byName = new Map(models.map((m) => [m.name, m]));
  const stats = new Map<string, Stats>();
  const find = (name: string, version?: string) => {
    const served = byName.get(decodeURIComponent(name));
    if (!served) throw new HttpError(404, `Model with name ${decodeURIComponent(name)} does not exist.`);
    if (version !== undefined && decodeURIComponent(version) !== (served.version ?? "1")) throw new HttpError(404, `Model ${served.name} has no version ${decodeURIComponent(version)} (it serves ${served.version ?? "1"}).`);
    return served;
  };
  const metadata = (m: ServedModel) => ({
    name: m.name, versions: [m.version ?? "1"], platform: "updraft-logistic-regression",
    inputs: [{ name: "input-0", datatype: "FP64", shape: [-1, m.model.features.length] }],
    outputs: [{ name: "probability", datatype: "FP64", shape: [-1] }, { name: "label", datatype: "INT64", shape: [-1] }],
  });
  const predictLabels = (m: ServedModel, rows: number[][]) => {
    try {
      const p = predictProba(m.model, rows);
      return { p, labels: p.map((v) => (v >= (m.threshold ?? 0.5) ? 1 : 0)) };
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
  };

  type Handler = (match: RegExpExecArray, req: IncomingMessage) => Promise<unknown> | unknown;
  const routes: Array<[string, RegExp, Handler, boolean?]> = [
    ["GET", /^\/$/, () => ({ status: "alive" })],
    ["GET", /^\/v1\/models$/, () => ({ models: [...byName.keys()] })],
    ["GET", /^\/v1\/models\/([^/:]+)$/, (m) => ({ name: find(m[1]).name, ready: true })],
    ["POST", /^\/v1\/models\/([^/:]+):predict$/, async (m, req) => {
      const served = find(m[1]);
      const body = await readJson(req);
      const instances = body.instances ?? body.inputs;
      if (!Array.isArray(instances)) throw new HttpError(400, "Expected \"instances\" to be a list");
      if (instances.some((r) => !Array.isArray(r) || r.some((v) => typeof v !== "number"))) throw new HttpError(400, `Each instance must be a list of ${served.model.features.length} numbers (${served.model.features.join(", ")}).`);
      return { predictions: predictLabels(served, instances as number[][]).labels };
    }, true],
    ["GET", /^\/v2\/health\/live$/, () => ({ live: true })],
    ["GET", /^\/v2\/health\/ready$/, () => ({ ready: true })],
    ["GET", /^\/v2$/, () => ({ name: options.name ?? "updraft-model-server", version: "1", extensions: [] })],
    ["GET", /^\/v2\/models$/, () => ({ models: [...byName.keys()] })],
    ["GET", /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/ready$/, (m) => ({ name: find(m[1], m[2]).name, ready: true })],
    ["GET", /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?$/, (m) => metadata(find(m[1], m[2]))],
    ["POST", /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/infer$/, async (m, req) => {
      const served = find(m[1], m[2]);
      const body = await readJson(req);
      const rows = rowsOfRequest(served, body);
      const { p, labels } = predictLabels(served, rows);
      const wanted = Array.isArray(body.outputs) ? (body.outputs as Array<{ name: string }>).map((o) => o.name) : ["probability", "label"];
      const unknown = wanted.filter((w) => w !== "probability" && w !== "label");
      if (unknown.length) throw new HttpError(400, `Unknown output ${unknown.join(", ")}: this model has "probability" and "label".`);
      const outputs = wanted.map((name) => (name === "probability"
        ? { name, shape: [rows.length], datatype: "FP64", data: p }
        : { name, shape: [rows.length], datatype: "INT64", data: labels }));
      return { model_name: served.name, model_version: served.version ?? "1", id: typeof body.id === "string" ? body.id : undefined, outputs };
    }, true],
    ["GET", /^\/metrics$/, () => null],
  ];

  const record = (model: string, code: number, seconds: number) => {
    const s: Stats = stats.get(model) ?? { codes: new Map<number, number>(), latencies: [], sum: 0, count: 0 };
    s.codes.set(code, (s.codes.get(code) ?? 0) + 1);
    s.latencies.push(seconds);
    if (s.latencies.length > LATENCY_WINDOW) s.latencies.shift();
    s.sum += seconds;
    s.count++;
    stats.set(model, s);
  };
  const metricsText = () => {
    const lines = ["# TYPE updraft_model_requests_total counter", "# TYPE updraft_model_request_duration_seconds summary"];
    for (const [model, s] of stats) {
      for (const [code, n] of s.codes) lines.push(`updraft_model_requests_total{model="${model}",code="${code}"} ${n}`);
      const sorted = [...s.latencies].sort((a, b) => a - b);
      for (const q of [0.5, 0.95, 0.99]) lines.push(`updraft_model_request_duration_seconds{model="${model}",quantile="${q}"} ${quantile(sorted, q)}`);
      lines.push(`updraft_model_request_duration_seconds_sum{model="${model}"} ${s.sum}`, `updraft_model_request_duration_seconds_count{model="${model}"} ${s.count}`);
    }
    return `${lines.join("\n")}\n`;
  };

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
    const send = (status: number, payload: unknown, model?: string) => {
      if (model) record(model, status, Number(process.hrtime.bigint() - started) / 1e9);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (!route) return send(404, { error: `No route for ${req.method} ${path}` });
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      return res.end(metricsText());
    }
    const match = route[1].exec(path)!;
    const model = route[3] ? decodeURIComponent(match[1]) : undefined;
    Promise.resolve()
      .then(() => route[2](match, req))
      .then((payload) => send(200, payload, model))
      .catch((error: Error) => send(error instanceof HttpError ? error.status : 500, { error: error.message }, model));
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
