/** FileSensor (Airflow's, for YAML DAGs and TypeScript alike): glob patterns, folders, the fs connection's base path, timeouts. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag, FileSensor } from "updraft";
import { runDag } from "updraft/testing";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-file-sensor-"));
  await mkdir(join(dir, "landing/2024/01"), { recursive: true });
  await mkdir(join(dir, "empty"), { recursive: true });
  await writeFile(join(dir, "landing/2024/01/orders.csv"), "id\n1\n");
  await writeFile(join(dir, "landing/.hidden.csv"), "x");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  delete process.env.UPDRAFT_CONN_LANDING_FS;
});

async function sensorState(options: Partial<ConstructorParameters<typeof FileSensor>[0]>): Promise<string | null> {
  const built = dag({ dagId: `file_sensor_${Math.random().toString(36).slice(2)}`, schedule: null }, () => {
    new FileSensor({ taskId: "wait", filepath: "", pokeInterval: 0.2, timeout: 0.5, ...options });
  });
  return (await runDag(built, { logicalDate: "2024-01-03" })).states.wait;
}

describe("FileSensor", () => {
  it("succeeds when a glob pattern matches a file, and ** matches any depth only with recursive", async () => {
    expect(await sensorState({ filepath: join(dir, "landing/2024/*/orders.csv") })).toBe("success");
    expect(await sensorState({ filepath: join(dir, "landing/**/*.csv"), recursive: true })).toBe("success");
    expect(await sensorState({ filepath: join(dir, "landing/*.csv") })).toBe("failed");
  });

  it("succeeds on a folder only when a file is somewhere inside it", async () => {
    expect(await sensorState({ filepath: join(dir, "landing") })).toBe("success");
    expect(await sensorState({ filepath: join(dir, "empty") })).toBe("failed");
  });

  it("reads relative paths from the fs connection's extra path; fs_default falls back to the working directory", async () => {
    process.env.UPDRAFT_CONN_LANDING_FS = JSON.stringify({ conn_type: "fs", extra: { path: join(dir, "landing") } });
    expect(await sensorState({ filepath: "2024/01/orders.csv", fsConnId: "landing_fs" })).toBe("success");
    expect(await sensorState({ filepath: "2024/01/orders.csv", fsConnId: "missing_fs" })).toBe("failed");
    expect(await sensorState({ filepath: "package.json" })).toBe("success");
  });

  it("ends as skipped with soft_fail, and waits in reschedule mode without holding a runner", async () => {
    expect(await sensorState({ filepath: join(dir, "nothing.csv"), softFail: true })).toBe("skipped");
    expect(await sensorState({ filepath: join(dir, "nothing.csv"), mode: "reschedule", softFail: true })).toBe("skipped");
    expect(await sensorState({ filepath: join(dir, "landing/2024/01/orders.csv"), mode: "reschedule" })).toBe("success");
  });
});
