import type { AlertDecision, AlertPolicy } from "./decision.ts";

/**
 * What a TaskRuntime offers alert routing: the shared state of a DAG's alert keys. `subject` is a task id, or "" for
 * the DAG itself; the key is always within the caller's own DAG.
 */
export interface AlertBackend {
  recordAlert(subject: string, policy: AlertPolicy): Promise<AlertDecision>;
  resolveAlert(subject: string): Promise<boolean>;
}

type Call = (method: string, path: string, body: unknown) => Promise<{ status: number; data: unknown }>;

/** The runner's side of webserver/execution-api/alerting-routes.ts. */
export function alertBackendOverApi(call: Call): AlertBackend {
  return {
    async recordAlert(subject, policy) {
      const { status, data } = await call("POST", "/alerts/record", { subject, policy });
      if (status !== 200) throw new Error(`the execution API refused to record the alert: ${status} ${JSON.stringify(data)}`);
      const decision = data as AlertDecision & { streakStartedAt: string };
      return { ...decision, streakStartedAt: new Date(decision.streakStartedAt) };
    },
    async resolveAlert(subject) {
      const { status, data } = await call("POST", "/alerts/resolve", { subject });
      if (status !== 200) throw new Error(`the execution API refused to resolve the alert: ${status} ${JSON.stringify(data)}`);
      return (data as { resolved: boolean }).resolved;
    },
  };
}
