import { lineageConfig, type LineageConfig } from "./config.ts";
import { Emitter } from "./emitter.ts";

let shared: { config: LineageConfig; emitter: Emitter } | null | undefined;

/**
 * This process's configuration and the emitter for the transports the environment configures, made once. A bad
 * configuration is reported once and turns those transports off: lineage never fails a task.
 */
export function processLineage(): { config: LineageConfig; emitter: Emitter } | null {
  if (shared !== undefined) return shared;
  try {
    const config = lineageConfig();
    shared = config.disabled ? null : { config, emitter: new Emitter(config.transports) };
  } catch (error) {
    console.error(`[openlineage] ${(error as Error).message} OpenLineage events go to Updraft's own lineage service only.`);
    shared = { config: { disabled: false, namespace: process.env.OPENLINEAGE_NAMESPACE ?? "default", transports: [], builtin: true, disableSourceCode: false }, emitter: new Emitter([]) };
  }
  return shared;
}

/** For tests and for a process whose environment changed: read the configuration again on next use. */
export function resetProcessLineage(): void {
  shared = undefined;
}
