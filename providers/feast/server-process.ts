import { fileURLToPath } from "node:url";
import { spawnServerProcess, type ServerProcess } from "../../mlops/serving/server-process.ts";

const MAIN = fileURLToPath(new URL("./serve-main.ts", import.meta.url));

/**
 * Starts the Updraft feature server as its own detached process (as `feast serve` runs beside Airflow), over the
 * FeatureRepo exported as `repo` by `repoModule` and the online store `online` (pglite:<dir>, postgres://…, redis://…).
 */
export function spawnFeatureServer(repoModule: string, options: { online: string; logFile: string; port?: number; maxLifetimeSeconds?: number }): Promise<ServerProcess> {
  return spawnServerProcess(MAIN, ["--repo", repoModule, "--online", options.online, "--port", String(options.port ?? 0)], { logFile: options.logFile, maxLifetimeSeconds: options.maxLifetimeSeconds });
}
