import type { ConnectionInfo } from "../../core/types.ts";

/**
 * A client of MLflow's tracking server REST API 2.0 (`/api/2.0/mlflow/…`) and its artifact proxy
 * (`/api/2.0/mlflow-artifacts/…`). Connection `mlflow_default`: host (with or without a scheme), port, login and
 * password for basic auth, or a bearer token in the password (no login) or in `extra.token`.
 */
export interface MlflowConnectionOptions {
  trackingUri: string;
  token?: string;
  username?: string;
  password?: string;
  /** Per-request timeout; an unreachable server fails fast instead of hanging the task. */
  timeoutMs?: number;
}

export type Tag = { key: string; value: string };
export type Metric = { key: string; value: number; timestamp: number; step: number };
export interface Experiment { experiment_id: string; name: string; artifact_location: string; lifecycle_stage: string; tags?: Tag[] }
export interface RunInfo { run_id: string; run_name: string; experiment_id: string; status: string; start_time: number; end_time?: number; artifact_uri: string; lifecycle_stage: string }
export interface Run { info: RunInfo; data: { metrics?: Metric[]; params?: Tag[]; tags?: Tag[] } }
export interface ModelVersion { name: string; version: string; current_stage: string; source: string; run_id?: string; status: string; aliases?: string[]; tags?: Tag[] }
export interface RegisteredModel { name: string; latest_versions?: ModelVersion[]; aliases?: Array<{ alias: string; version: string }>; tags?: Tag[]; description?: string }
export interface ArtifactFile { path: string; is_dir: boolean; file_size?: number }

/** An error answer of the tracking server, with MLflow's `error_code` (RESOURCE_DOES_NOT_EXIST, …). */
export class MlflowApiError extends Error {
  constructor(readonly status: number, readonly errorCode: string, message: string) {
    super(message);
    this.name = "MlflowApiError";
  }
}

export function mlflowOptionsFromConnection(connection: ConnectionInfo): MlflowConnectionOptions {
  const extra = (connection.extra ?? {}) as Record<string, unknown>;
  let host = connection.host ?? "127.0.0.1";
  if (!host.includes("://")) {
    const scheme = typeof extra.scheme === "string" ? extra.scheme : connection.connType === "https" ? "https" : "http";
    host = `${scheme}://${host}`;
  }
  const trackingUri = `${host.replace(/\/+$/, "")}${connection.port ? `:${connection.port}` : ""}`;
  const token = typeof extra.token === "string" ? extra.token : !connection.login && connection.password ? connection.password : undefined;
  return {
    trackingUri,
    token,
    username: connection.login ?? undefined,
    password: connection.login ? connection.password ?? undefined : undefined,
  };
}

/** The `<experiment>/<run>/artifacts` path of an `mlflow-artifacts:` URI, for the proxy routes. */
export function artifactProxyPath(artifactUri: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]+)?\/*(.*)$/.exec(artifactUri);
  if (!match) {
    throw new Error(`Artifact URI "${artifactUri}" is not served by the tracking server's artifact proxy (expected "mlflow-artifacts:/…"); write to that store directly.`);
  }
  return match[1].replace(/\/+$/, "");
}

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

export class MlflowHook {
  readonly trackingUri: string;
  private readonly headers: Record<string, string> = {};
  private readonly timeoutMs: number;

  constructor(options: MlflowConnectionOptions) {
    this.trackingUri = options.trackingUri.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    else if (options.username) this.headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`;
  }

  /** One request; errors carry MLflow's code and say which call failed and what to check. */
  async request<T>(method: string, route: string, body?: unknown, query?: Record<string, string | number | string[] | undefined>): Promise<T> {
    const url = new URL(`${this.trackingUri}${route}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
    }
    const isBytes = body instanceof Uint8Array;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...this.headers, ...(body === undefined ? {} : { "content-type": isBytes ? "application/octet-stream" : "application/json" }) },
        body: body === undefined ? undefined : isBytes ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new MlflowApiError(0, "UNREACHABLE",
        `MLflow tracking server at ${this.trackingUri} is unreachable (${cause}): start one with "mlflow server --host 127.0.0.1 --port 5000" or point the mlflow_default connection at yours.`);
    }
    const text = await response.text();
    if (!response.ok) {
      let code = `HTTP_${response.status}`;
      let message = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { error_code?: string; message?: string };
        code = parsed.error_code ?? code;
        message = parsed.message ?? message;
      } catch { /* not JSON: keep the raw text */ }
      throw new MlflowApiError(response.status, code, `MLflow ${method} ${route} failed with ${response.status} ${code}: ${message}`);
    }
    return (text === "" ? {} : JSON.parse(text)) as T;
  }

  private post<T>(route: string, body: unknown) { return this.request<T>("POST", `/api/2.0/mlflow/${route}`, body); }
  private get<T>(route: string, query: Record<string, string | number | string[] | undefined>) { return this.request<T>("GET", `/api/2.0/mlflow/${route}`, undefined, query); }

  // Experiments
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      return (await this.get<{ experiment: Experiment }>("experiments/get-by-name", { experiment_name: name })).experiment;
    } catch (error) {
      if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") return undefined;
      throw error;
    }
  }
  async createExperiment(name: string, options: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<string> {
    const body = { name, artifact_location: options.artifactLocation, tags: toTags(options.tags) };
    return (await this.post<{ experiment_id: string }>("experiments/create", body)).experiment_id;
  }
  /** Get-or-create by name; a race with another creator resolves to the winner's experiment. */
  async ensureExperiment(name: string, tags?: Record<string, string>): Promise<string> {
    const existing = await this.getExperimentByName(name);
    if (existing && existing.lifecycle_stage === "active") return existing.experiment_id;
    if (existing) throw new Error(`MLflow experiment "${name}" is deleted: restore it ("mlflow experiments restore --experiment-id ${existing.experiment_id}") or pick another name.`);
    try {
      return await this.createExperiment(name, { tags });
    } catch (error) {
      if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_ALREADY_EXISTS") {
        const winner = await this.getExperimentByName(name);
        if (winner) return winner.experiment_id;
      }
      throw error;
    }
  }
  async searchExperiments(options: { filter?: string; maxResults?: number; orderBy?: string[] } = {}): Promise<Experiment[]> {
    const body = { filter: options.filter, max_results: options.maxResults ?? 1000, order_by: options.orderBy };
    return (await this.post<{ experiments?: Experiment[] }>("experiments/search", body)).experiments ?? [];
  }

  // Runs
  async createRun(experimentId: string, options: { runName?: string; tags?: Record<string, string>; startTime?: number } = {}): Promise<Run> {
    const body = { experiment_id: experimentId, run_name: options.runName, start_time: options.startTime ?? Date.now(), tags: toTags(options.tags) };
    return (await this.post<{ run: Run }>("runs/create", body)).run;
  }
  async getRun(runId: string): Promise<Run> {
    return (await this.get<{ run: Run }>("runs/get", { run_id: runId })).run;
  }
  async logParam(runId: string, key: string, value: string | number | boolean): Promise<void> {
    await this.post("runs/log-parameter", { run_id: runId, key, value: String(value) });
  }
  async logMetric(runId: string, key: string, value: number, options: { step?: number; timestamp?: number } = {}): Promise<void> {
    await this.post("runs/log-metric", { run_id: runId, key, value, timestamp: options.timestamp ?? Date.now(), step: options.step ?? 0 });
  }
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.post("runs/set-tag", { run_id: runId, key, value });
  }
  /** log-batch, split to the server's per-request limits (1000 metrics, 100 params, 100 tags, 1000 entities). */
  async logBatch(runId: string, batch: { metrics?: Record<string, number> | Metric[]; params?: Record<string, unknown>; tags?: Record<string, string> }): Promise<void> {
    const now = Date.now();
    const metrics: Metric[] = Array.isArray(batch.metrics) ? batch.metrics
      : Object.entries(batch.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: now, step: 0 }));
    const params = Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value: String(value) }));
    const tags = toTags(batch.tags) ?? [];
    while (metrics.length || params.length || tags.length) {
      const p = params.splice(0, 100);
      const t = tags.splice(0, 100);
      const m = metrics.splice(0, 1000 - p.length - t.length);
      await this.post("runs/log-batch", { run_id: runId, metrics: m, params: p, tags: t });
    }
  }
  async setTerminated(runId: string, status: "FINISHED" | "FAILED" | "KILLED" = "FINISHED"): Promise<RunInfo> {
    return (await this.post<{ run_info: RunInfo }>("runs/update", { run_id: runId, status, end_time: Date.now() })).run_info;
  }
  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    return (await this.get<{ metrics?: Metric[] }>("metrics/get-history", { run_id: runId, metric_key: key })).metrics ?? [];
  }
  /** Runs matching an MLflow filter string (`metrics.rmse < 1 AND params.model = 'xgb'`), every page. */
  async searchRuns(experimentIds: string[], options: { filter?: string; orderBy?: string[]; maxResults?: number; viewType?: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL" } = {}): Promise<Run[]> {
    const runs: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.post<{ runs?: Run[]; next_page_token?: string }>("runs/search", {
        experiment_ids: experimentIds, filter: options.filter, order_by: options.orderBy, run_view_type: options.viewType,
        max_results: Math.min(options.maxResults ?? 1000, 1000), page_token: pageToken,
      });
      runs.push(...(page.runs ?? []));
      pageToken = page.next_page_token;
    } while (pageToken && runs.length < (options.maxResults ?? Infinity));
    return runs;
  }

  // Artifacts through the proxy
  async uploadArtifact(artifactUri: string, relativePath: string, content: Uint8Array | string): Promise<void> {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    await this.request("PUT", `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${artifactProxyPath(artifactUri)}/${relativePath}`)}`, bytes);
  }
  async downloadArtifact(artifactUri: string, relativePath: string): Promise<Buffer> {
    const route = `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${artifactProxyPath(artifactUri)}/${relativePath}`)}`;
    let response: Response;
    try {
      response = await fetch(`${this.trackingUri}${route}`, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new MlflowApiError(0, "UNREACHABLE", `MLflow tracking server at ${this.trackingUri} is unreachable: ${(error as Error).message}`);
    }
    if (!response.ok) throw new MlflowApiError(response.status, `HTTP_${response.status}`, `Artifact "${relativePath}" of ${artifactUri} could not be downloaded: ${response.status} ${await response.text()}`);
    return Buffer.from(await response.arrayBuffer());
  }
  async listArtifacts(artifactUri: string, directory = ""): Promise<ArtifactFile[]> {
    const path = [artifactProxyPath(artifactUri), directory].filter(Boolean).join("/");
    return (await this.request<{ files?: ArtifactFile[] }>("GET", "/api/2.0/mlflow-artifacts/artifacts", undefined, { path })).files ?? [];
  }

  // Model registry
  async createRegisteredModel(name: string, options: { description?: string; tags?: Record<string, string> } = {}): Promise<RegisteredModel> {
    return (await this.post<{ registered_model: RegisteredModel }>("registered-models/create", { name, description: options.description, tags: toTags(options.tags) })).registered_model;
  }
  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    try {
      return (await this.get<{ registered_model: RegisteredModel }>("registered-models/get", { name })).registered_model;
    } catch (error) {
      if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") return undefined;
      throw error;
    }
  }
  async searchRegisteredModels(filter?: string): Promise<RegisteredModel[]> {
    return (await this.get<{ registered_models?: RegisteredModel[] }>("registered-models/search", { filter, max_results: 1000 })).registered_models ?? [];
  }
  async createModelVersion(name: string, source: string, options: { runId?: string; description?: string; tags?: Record<string, string> } = {}): Promise<ModelVersion> {
    const body = { name, source, run_id: options.runId, description: options.description, tags: toTags(options.tags) };
    return (await this.post<{ model_version: ModelVersion }>("model-versions/create", body)).model_version;
  }
  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return (await this.get<{ model_version: ModelVersion }>("model-versions/get", { name, version })).model_version;
  }
  async searchModelVersions(filter: string): Promise<ModelVersion[]> {
    return (await this.get<{ model_versions?: ModelVersion[] }>("model-versions/search", { filter, max_results: 10_000 })).model_versions ?? [];
  }
  async transitionStage(name: string, version: string, stage: "None" | "Staging" | "Production" | "Archived", archiveExistingVersions = false): Promise<ModelVersion> {
    const body = { name, version, stage, archive_existing_versions: archiveExistingVersions };
    return (await this.post<{ model_version: ModelVersion }>("model-versions/transition-stage", body)).model_version;
  }
  /** The highest version per stage (all stages, "None" included, when none are named). */
  async getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return (await this.post<{ model_versions?: ModelVersion[] }>("registered-models/get-latest-versions", { name, stages })).model_versions ?? [];
  }
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.post("registered-models/alias", { name, alias, version });
  }
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.request("DELETE", "/api/2.0/mlflow/registered-models/alias", undefined, { name, alias });
  }
  /** The version an alias points at, or undefined (MLflow answers an unknown alias with 400 INVALID_PARAMETER_VALUE). */
  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    try {
      return (await this.get<{ model_version: ModelVersion }>("registered-models/alias", { name, alias })).model_version;
    } catch (error) {
      if (error instanceof MlflowApiError && (error.errorCode === "INVALID_PARAMETER_VALUE" || error.errorCode === "RESOURCE_DOES_NOT_EXIST")) return undefined;
      throw error;
    }
  }
}

function toTags(tags: Record<string, string> | undefined): Tag[] | undefined {
  return tags === undefined ? undefined : Object.entries(tags).map(([key, value]) => ({ key, value: String(value) }));
}
