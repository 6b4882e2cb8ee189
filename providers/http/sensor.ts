import type { TaskContext } from "../../core/context.ts";
import { BaseSensorOperator, type SensorOptions } from "../../core/sensor.ts";
import type { RetryPolicy } from "./backoff.ts";
import type { AuthType } from "./connection-settings.ts";
import { HttpHook, type ExtraOptions, type HttpMethod } from "./hook.ts";
import { HttpError, type HttpResponse } from "./response.ts";

export interface HttpSensorOptions extends SensorOptions {
  httpConnId?: string;
  /** Templated. */
  endpoint: string;
  /** Default GET. */
  method?: HttpMethod | Lowercase<HttpMethod>;
  /** Templated. Query parameters for GET. */
  requestParams?: Record<string, unknown>;
  /** Templated. */
  headers?: Record<string, string>;
  /** Done when it returns true; without it, any status < 400 is done. */
  responseCheck?: (response: HttpResponse, context: TaskContext) => boolean | Promise<boolean>;
  extraOptions?: ExtraOptions;
  authType?: AuthType;
  /** Retries of one poke for 5xx/429. Default none: the next poke is the retry. */
  retry?: Partial<RetryPolicy>;
}

/** Airflow's HttpSensor: pokes an endpoint until the response check passes; a 404 means "not yet", other errors fail. */
export class HttpSensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["endpoint", "requestParams", "headers"];
  httpConnId: string;
  endpoint: string;
  method: HttpMethod;
  requestParams: Record<string, unknown>;
  headers: Record<string, string>;
  responseCheck: HttpSensorOptions["responseCheck"];
  extraOptions: ExtraOptions;
  authType: AuthType | undefined;
  retry: Partial<RetryPolicy>;

  constructor(options: HttpSensorOptions) {
    super(options);
    if (typeof options.endpoint !== "string") throw new TypeError(`HttpSensor "${options.taskId}" needs an endpoint (a path of the http connection's base URL).`);
    this.httpConnId = options.httpConnId ?? "http_default";
    this.endpoint = options.endpoint;
    this.method = (options.method ?? "GET").toUpperCase() as HttpMethod;
    this.requestParams = options.requestParams ?? {};
    this.headers = options.headers ?? {};
    this.responseCheck = options.responseCheck;
    this.extraOptions = options.extraOptions ?? {};
    this.authType = options.authType;
    this.retry = options.retry ?? { retries: 0 };
  }

  override async poke(context: TaskContext): Promise<boolean> {
    const hook = new HttpHook({
      httpConnId: this.httpConnId, method: this.method, connection: await context.connections.get(this.httpConnId), authType: this.authType,
      retry: this.retry, log: context.log, signal: context.signal,
    });
    context.log.info(`Poking: ${this.endpoint}`);
    try {
      const response = await hook.run(this.endpoint, this.requestParams, this.headers, this.extraOptions);
      return this.responseCheck ? Boolean(await this.responseCheck(response, context)) : true;
    } catch (error) {
      if (error instanceof HttpError && error.response.status === 404) return false;
      throw error;
    }
  }
}
