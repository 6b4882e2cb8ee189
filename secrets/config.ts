import type { SecretsBackend } from "./backend.ts";

type Factory = (kwargs: Record<string, unknown>) => Promise<SecretsBackend>;

/**
 * Backend names, and the Airflow class paths that mean the same backend (so an Airflow configuration works as is).
 * Imported when first used: the AWS SDK alone adds a noticeable start-up cost to every runner that never needs it.
 */
const BACKENDS: Record<string, Factory> = {
  vault: async (k) => new (await import("./vault.ts")).VaultBackend(k),
  "aws-secrets-manager": async (k) => new (await import("./aws-secrets-manager.ts")).AwsSecretsManagerBackend(k),
  "local-filesystem": async (k) => new (await import("./local-filesystem.ts")).LocalFilesystemBackend(k),
};
const AIRFLOW_CLASSES: Record<string, string> = {
  "airflow.providers.hashicorp.secrets.vault.VaultBackend": "vault",
  "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend": "aws-secrets-manager",
  "airflow.secrets.local_filesystem.LocalFilesystemBackend": "local-filesystem",
};

/** Airflow's `[secrets] cache_ttl_seconds` default: 15 minutes. */
export const DEFAULT_CACHE_TTL_SECONDS = 900;

export interface SecretsConfig {
  backend: SecretsBackend | null;
  cacheTtlMs: number;
}

/**
 * The configured backend: `UPDRAFT_SECRETS_BACKEND` (a name above, or Airflow's class path) with
 * `UPDRAFT_SECRETS_BACKEND_KWARGS` (JSON), else Airflow's `AIRFLOW__SECRETS__BACKEND` / `…_BACKEND_KWARGS`;
 * `UPDRAFT_SECRETS_CACHE_TTL_SECONDS` (or `AIRFLOW__SECRETS__CACHE_TTL_SECONDS`) bounds how long a value read from it
 * is reused — a rotated secret is picked up within that time, without a restart.
 */
export function secretsConfigFrom(env: NodeJS.ProcessEnv = process.env): SecretsConfig {
  const name = (env.UPDRAFT_SECRETS_BACKEND ?? env.AIRFLOW__SECRETS__BACKEND ?? "").trim();
  const rawKwargs = env.UPDRAFT_SECRETS_BACKEND_KWARGS ?? env.AIRFLOW__SECRETS__BACKEND_KWARGS ?? "{}";
  const ttl = Number(env.UPDRAFT_SECRETS_CACHE_TTL_SECONDS ?? env.AIRFLOW__SECRETS__CACHE_TTL_SECONDS ?? DEFAULT_CACHE_TTL_SECONDS);
  if (!Number.isFinite(ttl) || ttl < 0) throw new Error(`UPDRAFT_SECRETS_CACHE_TTL_SECONDS must be a number of seconds ≥ 0, got "${env.UPDRAFT_SECRETS_CACHE_TTL_SECONDS}".`);
  return { backend: name ? createBackend(name, rawKwargs) : null, cacheTtlMs: ttl * 1000 };
}

export function createBackend(name: string, rawKwargs: string): SecretsBackend {
  const key = AIRFLOW_CLASSES[name] ?? name;
  const make = BACKENDS[key];
  if (!make) {
    throw new Error(`Unknown secrets backend "${name}": use ${Object.keys(BACKENDS).join(", ")} (or Airflow's class path for one of them).`);
  }
  let kwargs: unknown;
  try {
    kwargs = JSON.parse(rawKwargs);
  } catch (error) {
    throw new Error(`UPDRAFT_SECRETS_BACKEND_KWARGS is not valid JSON: ${(error as Error).message}`);
  }
  if (!kwargs || typeof kwargs !== "object" || Array.isArray(kwargs)) throw new Error("UPDRAFT_SECRETS_BACKEND_KWARGS must be a JSON object.");
  let instance: Promise<SecretsBackend> | null = null;
  const backend = () => (instance ??= make(kwargs as Record<string, unknown>));
  return {
    name: key,
    getConnection: async (connId) => (await backend()).getConnection(connId),
    getVariable: async (variableKey) => (await backend()).getVariable(variableKey),
  };
}
