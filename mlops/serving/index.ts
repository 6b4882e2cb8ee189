export { parseArgs, spawnServerProcess, stopServerProcess } from "./server-process.ts";
export type { ServerProcess } from "./server-process.ts";
