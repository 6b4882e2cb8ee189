import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

/** The `mlflow` binary .ci/run installs (UPDRAFT_MLFLOW); suites skip without it, and fail under UPDRAFT_REQUIRE_SERVICES=1. */
export const MLFLOW_BINARY = process.env.UPDRAFT_MLFLOW ?? "/opt/updraft-mlflow-venv/bin/mlflow";
export const MLFLOW_AVAILABLE = existsSync(MLFLOW_BINARY);
if (!MLFLOW_AVAILABLE && process.env.UPDRAFT_REQUIRE_SERVICES === "1") {
  throw new Error(`MLflow is required (UPDRAFT_REQUIRE_SERVICES=1) but ${MLFLOW_BINARY} does not exist: pip install mlflow into a venv and set UPDRAFT_MLFLOW to its mlflow binary.`);
}

export interface MlflowServer { url: string; stop(): Promise<void> }

/** A real `mlflow server` with a SQLite backend and a local artifact destination in a temporary folder. */
export async function startMlflowServer(): Promise<MlflowServer> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-mlflow-"));
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(MLFLOW_BINARY, [
    "server", "--backend-store-uri", `sqlite:///${join(dir, "mlflow.db")}`, "--artifacts-destination", join(dir, "artifacts"),
    "--host", "127.0.0.1", "--port", String(port), "--workers", "1",
  ], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    // MLflow 3's job runner starts a pool of consumer processes that the tracking API does not need.
    env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false" },
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor("mlflow server to answer /health", async () => {
      if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}:\n${output}`);
      try {
        return (await fetch(`${url}/health`)).ok || undefined;
      } catch {
        return undefined;
      }
    }, 60_000);
  } catch (error) {
    try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ }
    throw error;
  }
  return {
    url,
    async stop() {
      try { process.kill(-child.pid!, "SIGTERM"); } catch { /* already gone */ }
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
