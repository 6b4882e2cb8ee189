import type { ConnectionInfo } from "../../core/types.ts";
import type { Row } from "../../mlops/quality/batch.ts";
import type { FeatureStatus, OnlineFeaturesResponse } from "./online-read.ts";

/** An error answer (or no answer) of a Feast feature server. */
export class FeastApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "FeastApiError";
  }
}

/** Online features as rows: one per entity row, keyed by feature name, with per-feature statuses and event times. */
export interface OnlineFeatures {
  featureNames: string[];
  rows: Row[];
  statuses: Array<Record<string, FeatureStatus>>;
  eventTimestamps: Array<Record<string, string>>;
}

/** `feast_default`: an http connection to `feast serve` (default http://127.0.0.1:6566). */
export function feastUrlFromConnection(connection: ConnectionInfo): string {
  let host = connection.host ?? "127.0.0.1";
  if (!host.includes("://")) host = `${connection.connType === "https" ? "https" : "http"}://${host}`;
  return `${host.replace(/\/+$/, "")}${connection.port ? `:${connection.port}` : host.match(/:\d+$/) ? "" : ":6566"}`;
}

/** Column-major results (the proto's layout) to rows, mapping columns by name: the server may reorder join keys. */
export function onlineFeaturesToRows(response: OnlineFeaturesResponse): OnlineFeatures {
  const names = response.metadata.feature_names;
  const n = response.results[0]?.values.length ?? 0;
  const rows: Row[] = Array.from({ length: n }, () => ({}));
  const statuses: Array<Record<string, FeatureStatus>> = Array.from({ length: n }, () => ({}));
  const eventTimestamps: Array<Record<string, string>> = Array.from({ length: n }, () => ({}));
  names.forEach((name, i) => {
    const column = response.results[i];
    for (let j = 0; j < n; j++) {
      rows[j][name] = column.values[j] ?? null;
      statuses[j][name] = column.statuses[j];
      eventTimestamps[j][name] = column.event_timestamps[j];
    }
  });
  return { featureNames: names, rows, statuses, eventTimestamps };
}

/** A client of Feast's Python feature server HTTP API (§3.1). */
export class FeastFeatureServerClient {
  readonly url: string;
  constructor(url: string, private readonly timeoutMs = 60_000) {
    this.url = url.replace(/\/+$/, "");
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method, headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new FeastApiError(0, `Feast feature server at ${this.url} is unreachable (${cause}): start one with "feast serve" in the feature repository (port 6566), or point the feast_default connection at yours.`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* keep the text */ }
    if (!response.ok) {
      let detail = parsed && typeof parsed === "object" && "detail" in parsed ? (parsed as { detail: unknown }).detail : parsed;
      // Feast answers a FeastError with its JSON ({"module","class","message"}) as a string.
      if (typeof detail === "string" && detail.startsWith("{")) {
        try { detail = (JSON.parse(detail) as { message?: string }).message ?? detail; } catch { /* keep it */ }
      }
      throw new FeastApiError(response.status, `Feast ${method} ${path} failed with ${response.status}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
    }
    return { status: response.status, body: parsed as T };
  }

  async health(): Promise<boolean> {
    try {
      return (await this.request("GET", "/health")).status === 200;
    } catch (error) {
      if (error instanceof FeastApiError && error.status !== 0) return false;
      throw error;
    }
  }

  async getOnlineFeatures(request: { features?: string[]; featureService?: string; entities: Record<string, unknown[]>; fullFeatureNames?: boolean }): Promise<OnlineFeatures> {
    const body = {
      ...(request.featureService ? { feature_service: request.featureService } : { features: request.features }),
      entities: request.entities, full_feature_names: request.fullFeatureNames ?? false,
    };
    return onlineFeaturesToRows((await this.request<OnlineFeaturesResponse>("POST", "/get-online-features", body)).body);
  }

  /** Rows to a push source; `df` goes column-oriented with ISO timestamps. */
  async push(pushSourceName: string, rows: Row[], to: "online" | "offline" | "online_and_offline" = "online"): Promise<number> {
    return (await this.request("POST", "/push", { push_source_name: pushSourceName, df: toColumns(rows), to, allow_registry_cache: true })).status;
  }

  async writeToOnlineStore(featureViewName: string, rows: Row[]): Promise<void> {
    await this.request("POST", "/write-to-online-store", { feature_view_name: featureViewName, df: toColumns(rows) });
  }

  async materialize(start: Date | string, end: Date | string, options: { featureViews?: string[]; async?: boolean; force?: boolean } = {}): Promise<{ status: number; body: unknown }> {
    return this.request("POST", `/materialize${query(options)}`, { start_ts: isoOf(start), end_ts: isoOf(end), feature_views: options.featureViews });
  }

  async materializeIncremental(end: Date | string, options: { featureViews?: string[]; async?: boolean; force?: boolean } = {}): Promise<{ status: number; body: unknown }> {
    return this.request("POST", `/materialize-incremental${query(options)}`, { end_ts: isoOf(end), feature_views: options.featureViews });
  }
}

const isoOf = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);
const query = (o: { async?: boolean; force?: boolean }) => (o.async ? `?async=true${o.force ? "&force=true" : ""}` : "");

function toColumns(rows: Row[]): Record<string, unknown[]> {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(names.map((n) => [n, rows.map((r) => (r[n] instanceof Date ? (r[n] as Date).toISOString() : r[n] ?? null))]));
}
