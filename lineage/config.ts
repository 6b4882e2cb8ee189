import { consoleTransport } from "./transports/console.ts";
import { fileTransport } from "./transports/file.ts";
import { httpTransport } from "./transports/http.ts";
import type { Transport } from "./types.ts";

export interface LineageConfig {
  disabled: boolean;
  namespace: string;
  /** Transports configured by the environment (besides Updraft's own lineage service). */
  transports: Transport[];
  /** Whether task runners also send events to Updraft's own lineage service (through the execution API). */
  builtin: boolean;
  /** Leave out the sourceCode facet (task source). */
  disableSourceCode: boolean;
}

type Env = Record<string, string | undefined>;

/** `UPDRAFT_OPENLINEAGE_<X>`, else Airflow's `AIRFLOW__OPENLINEAGE__<X>`, else the client's `OPENLINEAGE_<X>`. */
function setting(env: Env, name: string): string | undefined {
  return env[`UPDRAFT_OPENLINEAGE_${name}`] || env[`AIRFLOW__OPENLINEAGE__${name}`] || env[`OPENLINEAGE_${name}`] || undefined;
}
const truthy = (v: string | undefined) => v !== undefined && ["1", "true", "yes", "on"].includes(v.toLowerCase());

export class LineageConfigError extends Error {
  readonly code = "LINEAGE_CONFIG";
}

/**
 * Reads the configuration as Airflow's OpenLineage provider does: `TRANSPORT` is a JSON object
 * (`{"type": "http", "url": …, "endpoint": …, "auth": {"type": "api_key", "apiKey": …}, "timeout": 5}`,
 * `{"type": "file", "log_file_path": …}`, `{"type": "console"}`); without it, `URL` (+ `API_KEY`, `ENDPOINT`) means HTTP.
 */
export function lineageConfig(env: Env = process.env): LineageConfig {
  const transports: Transport[] = [];
  const raw = setting(env, "TRANSPORT");
  if (raw) transports.push(transportFromJson(raw));
  else {
    const url = setting(env, "URL");
    if (url) transports.push(httpTransport({ url, apiKey: setting(env, "API_KEY"), endpoint: setting(env, "ENDPOINT"), timeoutMs: timeout(setting(env, "TIMEOUT")) }));
  }
  return {
    disabled: truthy(setting(env, "DISABLED")),
    namespace: setting(env, "NAMESPACE") ?? "default",
    transports,
    builtin: !["0", "false", "no", "off"].includes((env.UPDRAFT_LINEAGE_BUILTIN ?? "true").toLowerCase()),
    disableSourceCode: truthy(setting(env, "DISABLE_SOURCE_CODE")),
  };
}

function timeout(seconds: unknown): number | undefined {
  const n = Number(seconds);
  return seconds === undefined || seconds === null || seconds === "" || !Number.isFinite(n) || n <= 0 ? undefined : n * 1000;
}

function transportFromJson(raw: string): Transport {
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(raw);
  } catch (error) {
    throw new LineageConfigError(`OPENLINEAGE TRANSPORT is not valid JSON (${(error as Error).message}): set it to e.g. {"type": "http", "url": "http://marquez:5000"}.`);
  }
  switch (spec?.type) {
    case "http": {
      if (typeof spec.url !== "string") throw new LineageConfigError('The http OpenLineage transport needs "url".');
      const auth = spec.auth as { type?: string; apiKey?: string; api_key?: string } | undefined;
      return httpTransport({ url: spec.url, endpoint: spec.endpoint as string | undefined, apiKey: auth?.apiKey ?? auth?.api_key, timeoutMs: timeout(spec.timeout) });
    }
    case "file": {
      const path = spec.log_file_path ?? spec.path;
      if (typeof path !== "string") throw new LineageConfigError('The file OpenLineage transport needs "log_file_path".');
      return fileTransport(path);
    }
    case "console":
      return consoleTransport();
    default:
      throw new LineageConfigError(`Unknown OpenLineage transport type ${JSON.stringify(spec?.type)}: use "http", "file" or "console".`);
  }
}
