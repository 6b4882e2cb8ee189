import { setTimeout as sleep } from "node:timers/promises";
import type { TaskLogger } from "../../core/context.ts";
import type { ConnectionInfo } from "../../core/types.ts";
import { getConnection } from "../common/connection.ts";
import { DEFAULT_RETRY, isRetryableStatus, retryDelaySeconds, type RetryPolicy } from "./backoff.ts";
import { httpSettings, joinUrl, type AuthType, type HttpSettings } from "./connection-settings.ts";
import { accessToken, invalidateToken } from "./oauth2.ts";
import { tokenBucketFor, type RateLimit } from "./rate-limiter.ts";
import { HttpError, HttpResponse } from "./response.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
export type RequestData = string | Record<string, unknown> | unknown[] | undefined | null;

export interface HttpHookOptions {
  /** Default "http_default". */
  httpConnId?: string;
  /** Default "POST", as Airflow's HttpHook. */
  method?: HttpMethod | Lowercase<HttpMethod>;
  connection?: ConnectionInfo;
  authType?: AuthType;
  /** Retries for 5xx, 429 and network errors. Default 3 retries from 1 s, doubling, at most 60 s each. */
  retry?: Partial<RetryPolicy>;
  /** Token-bucket limit shared by every hook on this connection in the process. */
  rateLimit?: RateLimit;
  /** Seconds per attempt (the connection's extra `timeout` otherwise; none by default). */
  timeout?: number;
  log?: TaskLogger;
  /** Aborts waits and requests (pass the task's `context.signal`). */
  signal?: AbortSignal;
}

export interface ExtraOptions {
  /** Throw HttpError for status ≥ 400 (default true), as Airflow's `check_response`. */
  checkResponse?: boolean;
  timeout?: number;
}

/**
 * Airflow's HttpHook on fetch: the connection gives the base URL, default headers and auth (basic, bearer, OAuth2
 * client credentials with a cached token renewed once on 401); 5xx/429 are retried with exponential backoff,
 * honouring Retry-After; an optional token bucket spaces requests.
 */
export class HttpHook {
  readonly httpConnId: string;
  readonly method: HttpMethod;
  private connection: ConnectionInfo | undefined;
  private settings: HttpSettings | undefined;
  private readonly options: HttpHookOptions;
  private readonly retry: RetryPolicy;

  constructor(options: HttpHookOptions = {}) {
    this.httpConnId = options.httpConnId ?? options.connection?.connId ?? "http_default";
    this.method = (options.method ?? "POST").toUpperCase() as HttpMethod;
    this.connection = options.connection;
    this.options = options;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  private async getSettings(): Promise<HttpSettings> {
    if (this.settings) return this.settings;
    this.connection ??= await getConnection(this.httpConnId);
    this.settings = httpSettings(this.connection, this.options.authType);
    return this.settings;
  }

  /** The URL `run` would call for `endpoint`. */
  async url(endpoint?: string): Promise<string> {
    return joinUrl((await this.getSettings()).baseUrl, endpoint);
  }

  /**
   * Airflow's `run`: `data` goes in the query string for GET/HEAD/DELETE, else in the body (an object as JSON,
   * unless the Content-Type says form); returns the response, body read.
   */
  async run(endpoint?: string, data?: RequestData, headers: Record<string, string> = {}, extraOptions: ExtraOptions = {}): Promise<HttpResponse> {
    const settings = await this.getSettings();
    let url = joinUrl(settings.baseUrl, endpoint);
    const allHeaders: Record<string, string> = { ...settings.headers, ...headers };
    let body: string | undefined;
    if (data !== undefined && data !== null) {
      if (["GET", "HEAD", "DELETE"].includes(this.method)) {
        const target = new URL(url);
        const params = typeof data === "string" ? new URLSearchParams(data) : Object.entries(data as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
        for (const [k, v] of params) target.searchParams.append(k, v);
        url = target.toString();
      } else if (typeof data === "string") {
        body = data;
      } else {
        const contentType = Object.entries(allHeaders).find(([k]) => k.toLowerCase() === "content-type")?.[1];
        if (contentType?.includes("application/x-www-form-urlencoded")) {
          body = new URLSearchParams(Object.entries(data as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])).toString();
        } else {
          body = JSON.stringify(data);
          if (!contentType) allHeaders["Content-Type"] = "application/json";
        }
      }
    }
    const response = await this.send(url, allHeaders, body, extraOptions.timeout);
    if ((extraOptions.checkResponse ?? true) && !response.ok) {
      this.options.log?.error(`HTTP error: ${response.status} ${response.statusText}`);
      throw new HttpError(response);
    }
    return response;
  }

  /** One request with auth, rate limit and retries. */
  private async send(url: string, headers: Record<string, string>, body: string | undefined, timeout: number | undefined): Promise<HttpResponse> {
    const settings = await this.getSettings();
    const signal = this.options.signal;
    const limiter = this.options.rateLimit ? tokenBucketFor(this.httpConnId, this.options.rateLimit) : undefined;
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      await limiter?.acquire(signal);
      let response: HttpResponse | undefined;
      let failure: unknown;
      // Outside the retry: a refused token request is a credentials problem, not a transient one.
      const auth = await this.authHeaders(settings);
      try {
        response = await this.fetchOnce(url, { ...headers, ...auth }, body, timeout ?? this.options.timeout ?? settings.timeoutSeconds);
      } catch (error) {
        if (signal?.aborted) throw error;
        failure = error;
      }
      if (response?.status === 401 && settings.oauth2 && !refreshedToken) {
        this.options.log?.warn(`${url} answered 401: getting a new OAuth2 token and trying again`);
        invalidateToken(settings.oauth2);
        refreshedToken = true;
        attempt--;
        continue;
      }
      const retryable = failure !== undefined || (response !== undefined && isRetryableStatus(response.status));
      if (!retryable || attempt >= this.retry.retries) {
        if (failure !== undefined) throw describeFailure(failure, url, attempt + 1);
        return response!;
      }
      const wait = retryDelaySeconds(this.retry, attempt + 1, response?.headers.get("retry-after") ?? null);
      this.options.log?.warn(`${this.method} ${url} ${response ? `answered ${response.status}` : `failed (${(failure as Error).message})`}; retry ${attempt + 1}/${this.retry.retries} in ${wait.toFixed(1)}s`);
      await sleep(wait * 1000, undefined, { signal });
    }
  }

  private async fetchOnce(url: string, headers: Record<string, string>, body: string | undefined, timeoutSeconds: number | undefined): Promise<HttpResponse> {
    const signals = [this.options.signal, timeoutSeconds ? AbortSignal.timeout(timeoutSeconds * 1000) : undefined].filter((s): s is AbortSignal => s !== undefined);
    this.options.log?.info(`Sending '${this.method}' to url: ${url}`);
    const response = await fetch(url, { method: this.method, headers, body, signal: signals.length ? AbortSignal.any(signals) : undefined });
    return new HttpResponse(response.status, response.statusText, response.headers, url, await response.text());
  }

  private async authHeaders(settings: HttpSettings): Promise<Record<string, string>> {
    switch (settings.authType) {
      case "basic":
        return { Authorization: `Basic ${Buffer.from(`${settings.login ?? ""}:${settings.password ?? ""}`).toString("base64")}` };
      case "bearer":
        return { Authorization: `Bearer ${settings.password}` };
      case "oauth2_client_credentials":
        return { Authorization: `Bearer ${await accessToken(settings.oauth2!, this.options.signal)}` };
      default:
        return {};
    }
  }

  /** Airflow's `test_connection`: a request to the base URL. */
  async testConnection(): Promise<{ ok: boolean; message: string }> {
    try {
      const response = await this.run("", undefined, {}, { checkResponse: false });
      return response.ok ? { ok: true, message: "Connection successfully tested" } : { ok: false, message: `HTTP ${response.status} ${response.statusText}` };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }
}

function describeFailure(error: unknown, url: string, attempts: number): Error {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = (error as Error).name === "TimeoutError" ? "timed out" : cause?.code ?? cause?.message ?? (error as Error).message;
  return new Error(`Request to ${url} failed after ${attempts} attempt(s): ${reason}. Check that the service is running and the connection's host and port.`, { cause: error });
}
