/** An error answer (or no answer) of a model server; `status` 0 when unreachable. */
export class InferenceError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "InferenceError";
  }
}

export type Datatype = "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BF16" | "BYTES";
export interface Tensor { name: string; shape: number[]; datatype: Datatype; parameters?: Record<string, unknown>; data: unknown[] }
export interface InferRequest { id?: string; parameters?: Record<string, unknown>; inputs: Tensor[]; outputs?: Array<{ name: string; parameters?: Record<string, unknown> }> }
export interface InferResponse { model_name: string; model_version?: string; id?: string; parameters?: Record<string, unknown>; outputs: Tensor[] }
export interface ModelMetadata { name: string; versions?: string[]; platform: string; inputs: Array<{ name: string; datatype: string; shape: number[] }>; outputs: Array<{ name: string; datatype: string; shape: number[] }> }

abstract class ModelServerClient {
  readonly url: string;
  constructor(url: string, protected readonly timeoutMs = 30_000) {
    this.url = url.replace(/\/+$/, "");
  }
  protected async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method, headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new InferenceError(0, `Model server at ${this.url} is unreachable (${cause}): check the InferenceService's URL and that it is Ready.`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    if (!response.ok) {
      const message = parsed && typeof parsed === "object" && "error" in parsed ? String((parsed as { error: unknown }).error) : text.slice(0, 300);
      throw new InferenceError(response.status, `${method} ${this.url}${path} failed with ${response.status}: ${message}`);
    }
    return { status: response.status, body: parsed as T };
  }
  /** 200 → true; 503 (or another error status) → false; unreachable → throws. */
  protected async probe(path: string): Promise<boolean> {
    try {
      await this.call("GET", path);
      return true;
    } catch (error) {
      if (error instanceof InferenceError && error.status !== 0) return false;
      throw error;
    }
  }
}

/** KServe's V1 protocol (§4.1). */
export class KServeV1Client extends ModelServerClient {
  async live(): Promise<boolean> { return this.probe("/"); }
  async models(): Promise<string[]> { return (await this.call<{ models: string[] }>("GET", "/v1/models")).body.models; }
  async modelReady(model: string): Promise<boolean> { return this.probe(`/v1/models/${encodeURIComponent(model)}`); }
  async predict(model: string, instances: unknown[]): Promise<unknown[]> {
    return (await this.call<{ predictions: unknown[] }>("POST", `/v1/models/${encodeURIComponent(model)}:predict`, { instances })).body.predictions;
  }
}

const modelPath = (model: string, version?: string) => `/v2/models/${encodeURIComponent(model)}${version ? `/versions/${encodeURIComponent(version)}` : ""}`;

/** The V2 / Open Inference Protocol, REST (§4.2). */
export class OpenInferenceClient extends ModelServerClient {
  async serverLive(): Promise<boolean> { return this.probe("/v2/health/live"); }
  async serverReady(): Promise<boolean> { return this.probe("/v2/health/ready"); }
  async serverMetadata(): Promise<{ name: string; version: string; extensions: string[] }> { return (await this.call<{ name: string; version: string; extensions: string[] }>("GET", "/v2")).body; }
  async modelReady(model: string, version?: string): Promise<boolean> { return this.probe(`${modelPath(model, version)}/ready`); }
  async modelMetadata(model: string, version?: string): Promise<ModelMetadata> { return (await this.call<ModelMetadata>("GET", modelPath(model, version))).body; }
  async infer(model: string, request: InferRequest, version?: string): Promise<InferResponse> {
    return (await this.call<InferResponse>("POST", `${modelPath(model, version)}/infer`, request)).body;
  }
  /** Rows of numbers as one [n, d] tensor (row-major); returns each output's flat data. */
  async inferRows(model: string, rows: number[][], options: { inputName?: string; datatype?: Datatype; version?: string; id?: string } = {}): Promise<Record<string, unknown[]>> {
    const width = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== width)) throw new Error("Every row sent for inference must have the same number of values.");
    const response = await this.infer(model, {
      id: options.id, inputs: [{ name: options.inputName ?? "input-0", shape: [rows.length, width], datatype: options.datatype ?? "FP64", data: rows.flat() }],
    }, options.version);
    return Object.fromEntries(response.outputs.map((o) => [o.name, (o.data as unknown[]).flat(Infinity as 1)]));
  }
}
