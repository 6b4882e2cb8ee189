import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { describe } from "vitest";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

/** moto's S3-compatible server, which .ci/run installs (UPDRAFT_MOTO_SERVER); suites skip without it, and fail under UPDRAFT_REQUIRE_SERVICES=1. */
export const MOTO_SERVER = process.env.UPDRAFT_MOTO_SERVER ?? "/opt/updraft-moto-venv/bin/moto_server";
export const MOTO_AVAILABLE = existsSync(MOTO_SERVER);
if (!MOTO_AVAILABLE && process.env.UPDRAFT_REQUIRE_SERVICES === "1") {
  throw new Error(`moto is required (UPDRAFT_REQUIRE_SERVICES=1) but ${MOTO_SERVER} does not exist: pip install 'moto[server]' into a venv and set UPDRAFT_MOTO_SERVER to its moto_server.`);
}

/** A suite that needs moto_server (skipped, with a reason, when it is not installed). */
export function describeMoto(name: string, suite: () => void): void {
  (MOTO_AVAILABLE ? describe : describe.skip)(`${name}${MOTO_AVAILABLE ? "" : ` (${MOTO_SERVER} not installed)`}`, suite);
}

export interface MotoServer {
  url: string;
  stop(): Promise<void>;
}

/** A fresh moto server (state in memory) on a free port. */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  try {
    await waitFor("moto_server to answer", async () => {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output}`);
      try {
        return (await fetch(`${url}/moto-api/`)).status < 500 || undefined;
      } catch {
        return undefined;
      }
    }, 30_000);
  } catch (error) {
    kill("SIGKILL");
    throw error;
  }
  return {
    url,
    async stop() {
      kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    },
  };
}
