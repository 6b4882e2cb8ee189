import type { Database } from "../../core/store/database.ts";
import type { WirePermit } from "../../resilience/breaker-backend.ts";
import { acquire, record, validateConfig, type BreakerConfig } from "../../resilience/breaker-state.ts";
import { transitionBreaker } from "../../resilience/breaker-store.ts";
import type { ExecutionApi, ExecutionApiHooks } from "./execution-api.ts";

const badRequest = (detail: string) => ({ status: 400, body: { title: "Bad Request", status: 400, detail } });

function configFrom(name: string, body: unknown): BreakerConfig {
  const raw = (body as { config?: Partial<BreakerConfig> })?.config ?? {};
  return validateConfig(name, {
    failureThreshold: Number(raw.failureThreshold), resetTimeoutSeconds: Number(raw.resetTimeoutSeconds), halfOpenTrials: Number(raw.halfOpenTrials),
  });
}

/**
 * Circuit breakers for runners (resilience/): admit a call, record how it ended. Any task's token may use any breaker,
 * since breakers are shared by every DAG. Each request is one transition under the breaker's row lock.
 */
export function registerBreakerRoutes(api: ExecutionApi, db: Database, _hooks: ExecutionApiHooks): void {
  api.route("POST", "/breakers/:name/acquire", async (_c, body, name) => {
    let config: BreakerConfig;
    try {
      config = configFrom(name, body);
    } catch (error) {
      return badRequest((error as Error).message);
    }
    const done = await transitionBreaker(db, name, config, (s, cfg, now) => {
      const { next, permit } = acquire(s, cfg, now);
      return { next, result: permit };
    });
    const permit = done!.result;
    const wire: WirePermit = { admitted: permit.admitted, trial: permit.trial, generation: permit.generation, state: permit.state, retry_at: permit.retryAt?.toISOString() ?? null };
    return { status: 200, body: wire };
  });
  api.route("POST", "/breakers/:name/record", async (_c, body, name) => {
    let config: BreakerConfig;
    try {
      config = configFrom(name, body);
    } catch (error) {
      return badRequest((error as Error).message);
    }
    const b = body as { generation?: unknown; trial?: unknown; ok?: unknown; error?: unknown };
    if (!Number.isInteger(b.generation) || typeof b.ok !== "boolean") return badRequest("generation (an integer) and ok (a boolean) are required.");
    const done = await transitionBreaker(db, name, config, (s, cfg, now) => ({
      next: record(s, cfg, { generation: b.generation as number, trial: b.trial === true }, { ok: b.ok as boolean, error: typeof b.error === "string" ? b.error : null }, now),
      result: null,
    }));
    return { status: 200, body: { state: done!.row.state } };
  });
}
