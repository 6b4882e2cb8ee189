/** Airflow's http provider: `import { HttpHook, HttpOperator, HttpSensor } from "updraft/providers/http"`. */
export { HttpHook, type HttpHookOptions, type HttpMethod, type ExtraOptions, type RequestData } from "./hook.ts";
export { HttpOperator, SimpleHttpOperator, type HttpOperatorOptions, type NextPageRequest } from "./operator.ts";
export { HttpSensor, type HttpSensorOptions } from "./sensor.ts";
export { HttpResponse, HttpError } from "./response.ts";
export { TokenBucket, type RateLimit } from "./rate-limiter.ts";
export { DEFAULT_RETRY, retryDelaySeconds, type RetryPolicy } from "./backoff.ts";
export { accessToken, invalidateToken, type ClientCredentials } from "./oauth2.ts";
export type { AuthType } from "./connection-settings.ts";
