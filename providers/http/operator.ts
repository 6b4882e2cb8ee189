import { BaseOperator, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import type { RetryPolicy } from "./backoff.ts";
import type { AuthType } from "./connection-settings.ts";
import { HttpHook, type ExtraOptions, type HttpMethod, type RequestData } from "./hook.ts";
import type { RateLimit } from "./rate-limiter.ts";
import type { HttpResponse } from "./response.ts";

/** What a pagination function returns to ask for the next page: these are merged over the previous request's. */
export interface NextPageRequest {
  endpoint?: string;
  data?: RequestData;
  headers?: Record<string, string>;
  extraOptions?: ExtraOptions;
}

export interface HttpOperatorOptions extends TaskOptions {
  httpConnId?: string;
  /** Templated. */
  endpoint?: string;
  method?: HttpMethod | Lowercase<HttpMethod>;
  /** Templated. Query string for GET, body otherwise. */
  data?: RequestData;
  /** Templated. */
  headers?: Record<string, string>;
  /** False fails the task. Gets the response (the list of them when paginated) and the context. */
  responseCheck?: (response: any, context: TaskContext) => boolean | Promise<boolean>;
  /** Its result is the XCom; by default the response text (list of texts when paginated). */
  responseFilter?: (response: any, context: TaskContext) => unknown;
  /** Returns the next page's request, or null/undefined when there is none (Airflow's `pagination_function`). */
  paginationFunction?: (response: HttpResponse) => NextPageRequest | null | undefined;
  extraOptions?: ExtraOptions;
  logResponse?: boolean;
  authType?: AuthType;
  retry?: Partial<RetryPolicy>;
  rateLimit?: RateLimit;
  /** Seconds per request. */
  requestTimeout?: number;
}

/** Safety net for a pagination function that never returns null. */
const MAX_PAGES = 10_000;

/** Airflow's HttpOperator (formerly SimpleHttpOperator): calls an endpoint of an http connection. */
export class HttpOperator extends BaseOperator<unknown> {
  static override templateFields: readonly string[] = ["endpoint", "data", "headers"];
  httpConnId: string;
  endpoint: string | undefined;
  method: HttpMethod;
  data: RequestData;
  headers: Record<string, string>;
  responseCheck: HttpOperatorOptions["responseCheck"];
  responseFilter: HttpOperatorOptions["responseFilter"];
  paginationFunction: HttpOperatorOptions["paginationFunction"];
  extraOptions: ExtraOptions;
  logResponse: boolean;
  authType: AuthType | undefined;
  retry: Partial<RetryPolicy> | undefined;
  rateLimit: RateLimit | undefined;
  requestTimeout: number | undefined;

  constructor(options: HttpOperatorOptions) {
    super(options);
    this.httpConnId = options.httpConnId ?? "http_default";
    this.endpoint = options.endpoint;
    this.method = (options.method ?? "POST").toUpperCase() as HttpMethod;
    this.data = options.data;
    this.headers = options.headers ?? {};
    this.responseCheck = options.responseCheck;
    this.responseFilter = options.responseFilter;
    this.paginationFunction = options.paginationFunction;
    this.extraOptions = options.extraOptions ?? {};
    this.logResponse = options.logResponse ?? false;
    this.authType = options.authType;
    this.retry = options.retry;
    this.rateLimit = options.rateLimit;
    this.requestTimeout = options.requestTimeout;
  }

  override async execute(context: TaskContext): Promise<unknown> {
    const hook = new HttpHook({
      httpConnId: this.httpConnId, method: this.method, connection: await context.connections.get(this.httpConnId), authType: this.authType,
      retry: this.retry, rateLimit: this.rateLimit, timeout: this.requestTimeout, log: context.log, signal: context.signal,
    });
    context.log.info("Calling HTTP method");
    let request: Required<Pick<NextPageRequest, "headers" | "extraOptions">> & NextPageRequest = { endpoint: this.endpoint, data: this.data, headers: this.headers, extraOptions: this.extraOptions };
    const responses: HttpResponse[] = [await hook.run(request.endpoint, request.data, request.headers, request.extraOptions)];
    if (this.paginationFunction) {
      for (let next = this.paginationFunction(responses[0]!); next; next = this.paginationFunction(responses[responses.length - 1]!)) {
        if (responses.length >= MAX_PAGES) throw new Error(`Pagination of ${this.endpoint} did not end after ${MAX_PAGES} pages: the paginationFunction must return null on the last page.`);
        request = mergeRequest(request, next);
        responses.push(await hook.run(request.endpoint, request.data, request.headers, request.extraOptions));
      }
    }
    const result = this.paginationFunction ? responses : responses[0]!;
    if (this.logResponse) for (const r of responses) context.log.info(r.text);
    if (this.responseCheck && !(await this.responseCheck(result, context))) throw new Error("Response check returned False.");
    if (this.responseFilter) return this.responseFilter(result, context);
    return this.paginationFunction ? responses.map((r) => r.text) : responses[0]!.text;
  }
}

/** Airflow's `_merge_next_response_parameters`: objects merged key by key, anything else replaced. */
function mergeRequest<T extends NextPageRequest>(previous: T, next: NextPageRequest): T {
  const mergeData = (a: RequestData, b: RequestData): RequestData =>
    b === undefined ? a : a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b) ? { ...a, ...b } : b;
  return {
    ...previous,
    endpoint: next.endpoint ?? previous.endpoint,
    data: mergeData(previous.data, next.data),
    headers: { ...previous.headers, ...next.headers },
    extraOptions: { ...previous.extraOptions, ...next.extraOptions },
  };
}

/** Airflow's old name for HttpOperator. */
export class SimpleHttpOperator extends HttpOperator {}
