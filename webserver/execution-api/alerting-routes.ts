import { databaseAlertStore } from "../../alerting/alert-store.ts";
import type { AlertPolicy } from "../../alerting/decision.ts";
import { isSeverity } from "../../alerting/severity.ts";
import type { Database } from "../../core/store/database.ts";
import type { ExecutionApi, ExecutionApiHooks } from "./execution-api.ts";

/**
 * The alert key of a runner's request: always within its own DAG, so a task cannot touch another DAG's alerts. "/" is
 * in neither DAG nor task ids, so no two (DAG, task) pairs share a key.
 */
const keyOf = (dagId: string, subject: unknown) => `${dagId}/${typeof subject === "string" ? subject : ""}`;

function policyOf(raw: unknown): AlertPolicy | string {
  const p = (raw ?? {}) as Record<string, unknown>;
  const number = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (!isSeverity(p.severity)) return "policy.severity must be P1–P4";
  if (!number(p.dedupWindowSeconds) || !number(p.escalateWithinSeconds)) return "policy.dedupWindowSeconds and policy.escalateWithinSeconds must be numbers ≥ 0";
  if (p.escalateAfterFailures !== null && !number(p.escalateAfterFailures)) return "policy.escalateAfterFailures must be a number or null";
  if (p.escalateAfterSeconds !== null && !number(p.escalateAfterSeconds)) return "policy.escalateAfterSeconds must be a number or null";
  if (p.escalateTo !== null && !isSeverity(p.escalateTo)) return "policy.escalateTo must be P1–P4 or null";
  return p as unknown as AlertPolicy;
}

/** Alert routing's shared state (alerting/): a runner records a failure and learns what to send, or resolves a key. */
export function registerAlertingRoutes(api: ExecutionApi, db: Database, _hooks: ExecutionApiHooks): void {
  const store = databaseAlertStore(db);
  api.route("POST", "/alerts/record", async (c, body) => {
    const { subject, policy } = body as { subject?: unknown; policy?: unknown };
    const checked = policyOf(policy);
    if (typeof checked === "string") return { status: 400, body: { title: "Bad Request", status: 400, detail: checked } };
    const decision = await store.record(keyOf(c.dagId, subject), checked, new Date());
    return { status: 200, body: { ...decision, streakStartedAt: decision.streakStartedAt.toISOString() } };
  });
  api.route("POST", "/alerts/resolve", async (c, body) => {
    const resolved = await store.resolve(keyOf(c.dagId, (body as { subject?: unknown }).subject));
    return { status: 200, body: { resolved } };
  });
}
