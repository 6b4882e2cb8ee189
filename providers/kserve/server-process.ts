import { fileURLToPath } from "node:url";
import { spawnServerProcess, type ServerProcess } from "../../mlops/serving/server-process.ts";

const MAIN = fileURLToPath(new URL("./serve-main.ts", import.meta.url));

/** Starts the model server as its own detached process serving model JSON files; stop it with stopServerProcess. */
export function spawnModelServer(models: Array<{ name: string; version?: string; path: string }>, options: { logFile: string; port?: number; maxLifetimeSeconds?: number }): Promise<ServerProcess> {
  const args = models.flatMap((m) => ["--model", `${m.name}${m.version ? `:${m.version}` : ""}=${m.path}`]);
  return spawnServerProcess(MAIN, [...args, "--port", String(options.port ?? 0)], { logFile: options.logFile, maxLifetimeSeconds: options.maxLifetimeSeconds });
}
