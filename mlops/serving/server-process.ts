import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const RUN_TS = fileURLToPath(new URL("../../bin/run-ts.js", import.meta.url));

export interface ServerProcess { url: string; pid: number; logFile: string }

/**
 * Starts a TypeScript server entry point (one that writes `{"url": …}` to `--ready-file` once listening) as a
 * detached process that outlives the task starting it, so later tasks — in this process or other runners — can call
 * it. Its output goes to `logFile`. Stop it with `stopServerProcess(pid)`; `maxLifetimeSeconds` makes it exit on its
 * own even if the stopping task never runs.
 */
export async function spawnServerProcess(script: string, args: string[], options: { logFile: string; timeoutMs?: number; maxLifetimeSeconds?: number }): Promise<ServerProcess> {
  const readyFile = `${options.logFile}.ready`;
  await mkdir(dirname(options.logFile), { recursive: true });
  await rm(readyFile, { force: true });
  const log = openSync(options.logFile, "w");
  const child = spawn(process.execPath, [RUN_TS, script, ...args, "--ready-file", readyFile, "--max-lifetime", String(options.maxLifetimeSeconds ?? 0)], { detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  child.unref();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (existsSync(readyFile)) {
      const { url } = JSON.parse(await readFile(readyFile, "utf8")) as { url: string };
      return { url, pid: child.pid!, logFile: options.logFile };
    }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  stopServerProcess(child.pid!);
  const output = await readFile(options.logFile, "utf8").catch(() => "");
  throw new Error(`${script} did not start (${child.exitCode === null ? "timed out" : `exited with ${child.exitCode}`}); its output:\n${output.slice(-2000)}`);
}

/** Stops a server started by spawnServerProcess; an already gone process is fine. */
export function stopServerProcess(pid: number): boolean {
  try {
    process.kill(pid, "SIGTERM");
    return true;
  } catch {
    return false;
  }
}

/** `--name value` pairs (repeatable) of a server entry point's argv. */
export function parseArgs(argv: string[]): Map<string, string[]> {
  const args = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined) throw new Error(`Expected "--name value" pairs, got ${JSON.stringify(argv.slice(i, i + 2))}.`);
    args.set(argv[i].slice(2), [...(args.get(argv[i].slice(2)) ?? []), argv[i + 1]]);
  }
  return args;
}
