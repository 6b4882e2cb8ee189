import type { BaseOperator } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import type { CircuitBreaker } from "./circuit-breaker.ts";

/**
 * Any operator class guarded by a breaker: `const GuardedHttp = withCircuitBreaker(HttpOperator, breaker)`, then
 * `new GuardedHttp({...})` as usual. Its execute goes through `breaker.call`; with a fallback, a rejected or failed call
 * returns the fallback's value (pushed as the task's XCom) instead of failing the task.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withCircuitBreaker<C extends abstract new (...args: any[]) => BaseOperator>(Base: C, breaker: CircuitBreaker<unknown>): C {
  abstract class Guarded extends Base {
    override execute(context: TaskContext): Promise<unknown> {
      const inner = (Base.prototype as BaseOperator).execute;
      return breaker.call(() => inner.call(this, context), { context });
    }
  }
  Object.defineProperty(Guarded, "name", { value: Base.name });
  return Guarded;
}
