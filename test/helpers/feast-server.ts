import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

/** The venv's python with Feast that .ci/run installs (UPDRAFT_FEAST_PYTHON); suites skip without it, fail under UPDRAFT_REQUIRE_SERVICES=1. */
export const FEAST_PYTHON = process.env.UPDRAFT_FEAST_PYTHON ?? "/opt/updraft-feast-venv/bin/python";
export const FEAST_AVAILABLE = existsSync(FEAST_PYTHON) && existsSync(join(FEAST_PYTHON, "..", "feast"));
if (!FEAST_AVAILABLE && process.env.UPDRAFT_REQUIRE_SERVICES === "1") {
  throw new Error(`Feast is required (UPDRAFT_REQUIRE_SERVICES=1) but ${FEAST_PYTHON} has no feast: pip install feast into a venv and set UPDRAFT_FEAST_PYTHON to its python.`);
}

/**
 * A real Feast feature repository and feature server in one Python process (saves a second import of Feast, ~5 s
 * of CPU): writes the driver stats Parquet file, `apply`s an entity, a FileSource with a created column, a
 * PushSource and a FeatureView (ttl 1 day), then serves Feast's FastAPI app with uvicorn.
 */
const SERVE = `
import os, sys
from datetime import timedelta
import pandas as pd
from feast import Entity, FeatureStore, FeatureView, Field, FileSource, PushSource
from feast.types import Float64, Int64
repo, port = sys.argv[1], int(sys.argv[2])
t = lambda s: pd.Timestamp(s, tz="UTC")
pd.DataFrame({
    "driver_id": [1001, 1001, 1001, 1002, 1003],
    "event_timestamp": [t("2024-01-01T10:00"), t("2024-01-02T10:00"), t("2024-01-02T10:00"), t("2024-01-02T09:00"), t("2023-06-01T00:00")],
    "created": [t("2024-01-01T10:00"), t("2024-01-02T10:00"), t("2024-01-02T11:00"), t("2024-01-02T09:00"), t("2023-06-01T00:00")],
    "conv_rate": [0.1, 0.5, 0.55, 0.7, 0.9],
    "acc_rate": [0.2, 0.6, 0.65, 0.8, 0.95],
}).to_parquet(os.path.join(repo, "driver_stats.parquet"))
driver = Entity(name="driver", join_keys=["driver_id"])
source = FileSource(name="driver_stats_source", path=os.path.join(repo, "driver_stats.parquet"), timestamp_field="event_timestamp", created_timestamp_column="created")
push = PushSource(name="driver_stats_push", batch_source=source)
view = FeatureView(name="driver_hourly_stats", entities=[driver], ttl=timedelta(days=1),
    schema=[Field(name="driver_id", dtype=Int64), Field(name="conv_rate", dtype=Float64), Field(name="acc_rate", dtype=Float64)], source=push)
store = FeatureStore(repo_path=repo)
store.apply([driver, source, push, view])
import uvicorn
from feast.feature_server import get_app
uvicorn.run(get_app(store, 5), host="127.0.0.1", port=port, log_level="warning")
`;

const FEATURE_STORE_YAML = `project: updraft_test
provider: local
registry: data/registry.db
online_store: {type: sqlite, path: data/online_store.db}
offline_store: {type: file}
entity_key_serialization_version: 3
`;

export interface FeastServer { url: string; stop(): Promise<void> }

export async function startFeastServer(): Promise<FeastServer> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-feast-"));
  await writeFile(join(dir, "feature_store.yaml"), FEATURE_STORE_YAML);
  await writeFile(join(dir, "serve.py"), SERVE);
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(FEAST_PYTHON, [join(dir, "serve.py"), dir, String(port)], {
    cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, FEAST_USAGE: "False" },
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("feast feature server to answer /health", async () => {
      if (child.exitCode !== null) throw new Error(`The Feast server exited with ${child.exitCode}:\n${output}`);
      try {
        return (await fetch(`${url}/health`)).ok || undefined;
      } catch {
        return undefined;
      }
    }, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
