import type { RunEvent, Transport } from "../types.ts";

export interface HttpTransportOptions {
  url: string;
  /** Path under `url`; Marquez's (and Updraft's) is `api/v1/lineage`. */
  endpoint?: string;
  apiKey?: string;
  timeoutMs?: number;
}

/** POSTs each event as JSON (OpenLineage's HTTP transport): `Authorization: Bearer <apiKey>` when a key is set. */
export function httpTransport(options: HttpTransportOptions): Transport {
  const target = new URL(options.endpoint ?? "api/v1/lineage", options.url.endsWith("/") ? options.url : `${options.url}/`).toString();
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    name: `http ${target}`,
    async send(event: RunEvent) {
      let response: Response;
      try {
        response = await fetch(target, {
          method: "POST",
          headers: { "content-type": "application/json", ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const e = error as Error & { cause?: Error };
        if (e.name === "TimeoutError") throw new Error(`${target} did not answer within ${timeoutMs} ms (timeout)`);
        throw new Error(`${target} is unreachable: ${e.cause?.message ?? e.message}`);
      }
      if (response.status >= 300) {
        const text = (await response.text().catch(() => "")).slice(0, 300);
        throw new Error(`${target} answered ${response.status}${text ? `: ${text}` : ""}`);
      }
      await response.body?.cancel().catch(() => {});
    },
  };
}
