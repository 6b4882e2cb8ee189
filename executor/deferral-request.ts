import type { Deferral } from "../core/deferral.ts";
import type { DeferralRequest } from "../webserver/execution-api/protocol.ts";

/** A deferred try's outcome, as the execution API's finish takes it. */
export function deferralRequest(d: Deferral): DeferralRequest {
  return {
    classpath: d.classpath, trigger_kwargs: d.triggerKwargs, next_method: d.nextMethod, next_kwargs: d.nextKwargs,
    trigger_timeout: d.timeoutAt ? d.timeoutAt.toISOString() : null,
  };
}
