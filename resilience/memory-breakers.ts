import { acquire, initialSnapshot, record, type BreakerSnapshot } from "./breaker-state.ts";
import type { BreakerBackend } from "./breaker-backend.ts";

/** Breakers of an in-process run (`updraft dags test`): shared by the tasks of this process only. */
export function memoryBreakers(now: () => Date = () => new Date()): BreakerBackend {
  const breakers = new Map<string, BreakerSnapshot>();
  return {
    async breakerAcquire(name, config) {
      const step = acquire(breakers.get(name) ?? initialSnapshot(now()), config, now());
      breakers.set(name, step.next);
      return step.permit;
    },
    async breakerRecord(name, config, permit, outcome) {
      breakers.set(name, record(breakers.get(name) ?? initialSnapshot(now()), config, permit, outcome, now()));
    },
  };
}

/** One per process, as every `dags test` task of the process shares it. */
export const processBreakers = memoryBreakers();
