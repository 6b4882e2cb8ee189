/**
 * phase16_01_secrets_backend — connections and variables from a secrets backend (Vault, AWS Secrets Manager, a file).
 *
 * Shows: tasks read connections and variables the same way whatever holds them; the lookup order is environment →
 * configured backend → database, and a value read from the backend is cached for UPDRAFT_SECRETS_CACHE_TTL_SECONDS,
 * so a rotated secret is used without restarting anything. Secrets read are masked in the task log.
 *
 * Run with the local-file backend (no service needed), from the repository root:
 *   UPDRAFT_SECRETS_BACKEND=local-filesystem \
 *   UPDRAFT_SECRETS_BACKEND_KWARGS='{"connections_file_path": "dags/phase16/secrets/connections.yaml", "variables_file_path": "dags/phase16/secrets/variables.yaml"}' \
 *   updraft dags test phase16_01_secrets_backend 2024-01-03
 * With Vault (KV v2 at `secret/`, secrets at secret/connections/<id> and secret/variables/<key> holding `value`):
 *   UPDRAFT_SECRETS_BACKEND=vault UPDRAFT_SECRETS_BACKEND_KWARGS='{"url": "http://127.0.0.1:8200", "token": "…"}'
 *   (AppRole: "auth_type": "approle", "role_id", "secret_id"). AWS: UPDRAFT_SECRETS_BACKEND=aws-secrets-manager with
 *   secrets named airflow/connections/<id> and airflow/variables/<key>. See docs/security.md.
 * Without any of them, the first task fails at once and says how to configure one.
 */
import { dag, getCurrentContext, task } from "updraft";

const checkBackend = task(async function checkBackend() {
  const context = getCurrentContext();
  const token = await context.variables.get("phase16_partner_token");
  if (token === undefined) {
    throw new Error(
      "Variable phase16_partner_token was found in no source: configure a secrets backend (UPDRAFT_SECRETS_BACKEND and " +
        "UPDRAFT_SECRETS_BACKEND_KWARGS, see this file's header) or set UPDRAFT_VAR_PHASE16_PARTNER_TOKEN.",
    );
  }
  // Printed on purpose: the log shows ***.
  console.log(`Partner token: ${token}`);
  return true;
});

const buildReport = task(async function buildReport() {
  const context = getCurrentContext();
  const db = await context.connections.get("phase16_reporting_db");
  const recipients = await context.variables.getJson<string[]>("phase16_report_recipients", []);
  context.log.info(`Reading reports from ${db.host}/${db.schema} as ${db.login} (password ${db.password})`);
  return { source: `${db.host}/${db.schema}`, recipients };
});

const callPartner = task(async function callPartner() {
  const context = getCurrentContext();
  const api = await context.connections.get("phase16_partner_api");
  context.log.info(`Calling ${api.host} with api_key ${String(api.extra?.api_key)} (timeout ${String(api.extra?.timeout)} s)`);
  return { host: api.host };
});

export default dag(
  {
    dagId: "phase16_01_secrets_backend",
    description: "Connections and variables from Vault, AWS Secrets Manager or a local file",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase16", "secrets"],
  },
  () => {
    const ok = checkBackend();
    ok.then(buildReport());
    ok.then(callPartner());
  },
);
