import { MultiFernet } from "./fernet.ts";

/**
 * The Fernet key(s) from configuration: `UPDRAFT_FERNET_KEY`, else Airflow's `AIRFLOW__CORE__FERNET_KEY`; several keys
 * comma-separated (the first encrypts, all decrypt) so a key can be rotated without losing what the old one wrote.
 * Without a key, values are stored in clear (as Airflow does) and a warning says so once per process.
 */
let cached: { raw: string; fernet: MultiFernet } | null = null;
let warned = false;

export function configuredFernetKey(env: NodeJS.ProcessEnv = process.env): string {
  return (env.UPDRAFT_FERNET_KEY ?? env.AIRFLOW__CORE__FERNET_KEY ?? "").trim();
}

/** The configured MultiFernet, or null when no key is set. Throws, naming the variable, when a key is malformed. */
export function fernetFromConfig(env: NodeJS.ProcessEnv = process.env): MultiFernet | null {
  const raw = configuredFernetKey(env);
  if (!raw) return null;
  if (cached?.raw === raw) return cached.fernet;
  const keys = raw.split(",").map((k) => k.trim()).filter(Boolean);
  try {
    cached = { raw, fernet: new MultiFernet(keys) };
  } catch (error) {
    throw new Error(`UPDRAFT_FERNET_KEY (or AIRFLOW__CORE__FERNET_KEY) is invalid: ${(error as Error).message}`);
  }
  return cached.fernet;
}

export function warnOnceUnencrypted(): void {
  if (warned) return;
  warned = true;
  process.emitWarning("No UPDRAFT_FERNET_KEY is set: connection passwords, extras and variables are stored unencrypted. Generate a key with `updraft rotate-key --generate`.", { code: "UPDRAFT_NO_FERNET_KEY" });
}
