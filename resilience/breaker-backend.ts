import type { BreakerConfig, BreakerPermit } from "./breaker-state.ts";

/**
 * Where a breaker's shared state lives, as a task sees it: the execution API in a runner (the metadata DB behind it),
 * memory under `updraft dags test`. `TaskRuntime` implements it.
 */
export interface BreakerBackend {
  breakerAcquire(name: string, config: BreakerConfig): Promise<BreakerPermit>;
  breakerRecord(name: string, config: BreakerConfig, permit: BreakerPermit, outcome: { ok: boolean; error: string | null }): Promise<void>;
}

/** The execution API's wire form of a permit (dates as ISO strings). */
export interface WirePermit {
  admitted: boolean;
  trial: boolean;
  generation: number;
  state: BreakerPermit["state"];
  retry_at: string | null;
}

type Send = (method: string, path: string, body: unknown) => Promise<{ status: number; data: unknown }>;

/** The runner's side of `webserver/execution-api/breaker-routes.ts`, over the client's one-attempt call. */
export function breakerBackendOverApi(send: Send): BreakerBackend {
  const path = (name: string, action: string) => `/breakers/${encodeURIComponent(name)}/${action}`;
  const check = (status: number, data: unknown, what: string) => {
    if (status !== 200) throw new Error(`the execution API refused to ${what}: ${status} ${JSON.stringify(data)}`);
  };
  return {
    async breakerAcquire(name, config) {
      const { status, data } = await send("POST", path(name, "acquire"), { config });
      check(status, data, `admit a call through circuit breaker "${name}"`);
      const wire = data as WirePermit;
      return { admitted: wire.admitted, trial: wire.trial, generation: wire.generation, state: wire.state, retryAt: wire.retry_at ? new Date(wire.retry_at) : null };
    },
    async breakerRecord(name, config, permit, outcome) {
      const { status, data } = await send("POST", path(name, "record"), { config, generation: permit.generation, trial: permit.trial, ...outcome });
      check(status, data, `record a call of circuit breaker "${name}"`);
    },
  };
}
