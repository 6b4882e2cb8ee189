import { secretsLookupFor } from "./lookup.ts";

/** For `updraft dags test` (no database): the environment, then the configured backend. */
export const configuredSecrets = {
  getVariable: async (key: string) => (await secretsLookupFor(null).variable(key))?.value,
  getConnection: async (connId: string) => (await secretsLookupFor(null).connection(connId))?.value,
};
