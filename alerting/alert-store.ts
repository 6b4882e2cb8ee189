import type { Database } from "../core/store/database.ts";
import type { AlertBackend } from "./alert-api.ts";
import { DELETE, LOCK, READ, WRITE } from "./alert-state-sql.ts";
import { decideAlert, type AlertDecision, type AlertPolicy, type AlertState } from "./decision.ts";
import { isSeverity } from "./severity.ts";

/** Where the alert state of each key lives: the metadata database for real runs, memory for `dags test`. */
export interface AlertStore {
  record(key: string, policy: AlertPolicy, now: Date): Promise<AlertDecision>;
  /** Forgets the key's failures (it succeeded); true when it had any. */
  resolve(key: string): Promise<boolean>;
}

export function databaseAlertStore(db: Database): AlertStore {
  return {
    record: (key, policy, now) =>
      db.transaction(async (tx) => {
        await tx.query(LOCK, [key]);
        const { rows } = await tx.query<{ streak_started_at: Date; failures: string[]; last_sent_at: Date | null; last_sent_severity: string | null }>(READ, [key]);
        const row = rows[0];
        const previous: AlertState | null = row
          ? {
              streakStartedAt: row.streak_started_at,
              failures: row.failures.map((at) => new Date(at)),
              lastSentAt: row.last_sent_at,
              lastSentSeverity: isSeverity(row.last_sent_severity) ? row.last_sent_severity : null,
            }
          : null;
        const { state, decision } = decideAlert(previous, policy, now);
        await tx.query(WRITE, [key, state.streakStartedAt, JSON.stringify(state.failures.map((at) => at.toISOString())), state.lastSentAt, state.lastSentSeverity]);
        return decision;
      }),
    resolve: async (key) => (await db.query(DELETE, [key])).rowCount > 0,
  };
}

/** For `dags test` (one process, one run) and runtimes without the execution API's alert routes. */
export function memoryAlertStore(): AlertStore {
  const states = new Map<string, AlertState>();
  return {
    record: async (key, policy, now) => {
      const { state, decision } = decideAlert(states.get(key) ?? null, policy, now);
      states.set(key, state);
      return decision;
    },
    resolve: async (key) => states.delete(key),
  };
}

const processStore = memoryAlertStore();

/** The alert backend of `dags test`: one process's memory, keys within `dagId` as the execution API makes them. */
export function processAlertBackend(dagId: string): AlertBackend {
  return {
    recordAlert: (subject, policy) => processStore.record(`${dagId}/${subject}`, policy, new Date()),
    resolveAlert: (subject) => processStore.resolve(`${dagId}/${subject}`),
  };
}
