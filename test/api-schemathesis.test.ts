import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { SPEC_PATH } from "../webserver/api/openapi.ts";
import { IMPLEMENTED_OPERATIONS } from "../webserver/api/route.ts";
import { createUsers, startApi, storeApiDags, type ApiServer } from "./helpers/api.ts";
import { BACKENDS } from "./helpers/databases.ts";

const BINARY = process.env.UPDRAFT_SCHEMATHESIS ?? "/opt/updraft-ci-venv/bin/schemathesis";
const AVAILABLE = existsSync(BINARY);
if (!AVAILABLE && process.env.UPDRAFT_REQUIRE_SERVICES === "1") {
  throw new Error(`schemathesis is required (UPDRAFT_REQUIRE_SERVICES=1) but ${BINARY} does not exist: install it (pip install schemathesis) and set UPDRAFT_SCHEMATHESIS.`);
}
// Bounded: ~2 minutes on the 2-core CI machine with one worker. Examples per operation, not a time budget, so that a
// slow machine runs the same cases (and never runs longer than the kill timer below).
const MAX_EXAMPLES = 25;
const KILL_AFTER_MS = 280_000;

/** The spec with only the operations Updraft implements (schemathesis would otherwise report every other one as 404). */
function implementedSpec(): string {
  const spec = parse(readFileSync(SPEC_PATH, "utf8")) as { paths: Record<string, Record<string, { operationId?: string }>> };
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method !== "parameters" && !IMPLEMENTED_OPERATIONS.has(op.operationId ?? "")) delete item[method];
    }
    if (Object.keys(item).every((k) => k === "parameters")) delete spec.paths[path];
  }
  return stringify(spec);
}

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, args, { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

(AVAILABLE ? describe : describe.skip)("schemathesis against the implemented REST API operations", () => {
  let db: Database;
  let api: ApiServer;
  let dir: string;

  beforeAll(async () => {
    db = await BACKENDS[0].open();
    await storeApiDags(db);
    await createUsers(db);
    await triggerDagRun(db, "api_etl", { runId: "r1", logicalDate: new Date("2024-01-01T00:00:00Z") });
    await db.query("INSERT INTO variable (key, val) VALUES ('region', 'eu')");
    await db.query("INSERT INTO dataset (uri) VALUES ('s3://bucket/orders')");
    dir = await mkdtemp(join(tmpdir(), "updraft-schemathesis-"));
    api = await startApi(db, { logPathFor: (key, tryNumber) => join(dir, "logs", key.dagId, key.runId, `${key.taskId}.${key.mapIndex}.${tryNumber}.log`) });
    await writeFile(join(dir, "spec.yaml"), implementedSpec());
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("finds no 5xx and no response that violates the spec on any generated input", { timeout: KILL_AFTER_MS + 10_000 }, async () => {
    const result = await run([
      "run", join(dir, "spec.yaml"), "--url", `${api.url}/api/v1`, "--auth", "admin:admin-pw",
      "--checks", "not_a_server_error,response_schema_conformance", "--max-examples", String(MAX_EXAMPLES),
      "--phases", "examples,coverage,fuzzing", "--workers", "1", "--seed", "4", "--no-color", "--generation-database", "none",
      "--request-timeout", "20", "--suppress-health-check", "all",
    ]);
    // UPDRAFT_SCHEMATHESIS_OUTPUT=file keeps schemathesis's whole report (which operations, how many cases, any failure).
    if (process.env.UPDRAFT_SCHEMATHESIS_OUTPUT) await writeFile(process.env.UPDRAFT_SCHEMATHESIS_OUTPUT, result.output);
    expect(result.code, result.output.slice(0, 12_000)).toBe(0);
  });
});
