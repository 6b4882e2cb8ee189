import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { REPO_ROOT, updraft, type CliResult } from "./cli.ts";
import { dropSchema, freshSchemaName, POSTGRES_REACHABLE, POSTGRES_URL } from "./databases.ts";

/**
 * A running Updraft that operator commands (`dags trigger`, `tasks clear`…) talk to, in one of the two ways they
 * reach state: `updraft scheduler` on PostgreSQL (commands open the database themselves), or `updraft standalone` on
 * the embedded database (commands go through its REST API).
 */
export interface OperatorServer {
  backend: "postgres" | "standalone";
  home: string;
  /** Runs `updraft …` against this server, as an operator in another terminal would. */
  cli(args: string[]): Promise<CliResult>;
  /** A DAG row as the metadata database has it (read with SQL, or through the standalone's API). */
  dag(dagId: string): Promise<{ is_paused: boolean }>;
  /** A DAG's runs as the metadata database has them. */
  runs(dagId: string): Promise<Array<{ run_id: string; run_type: string; state: string }>>;
  /** A run's task instances as the metadata database has them. */
  taskInstances(dagId: string, runId: string): Promise<Array<{ task_id: string; state: string | null; try_number: number; max_tries: number }>>;
  /** A request to the standalone's REST API as admin (standalone only). */
  api(method: string, path: string, options?: { body?: unknown; accept?: string }): Promise<Response>;
  /** What the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

// Starting takes 3 s on a quiet machine (initdb of the embedded database dominates) and over 20 s on the shared one.
const START_TIMEOUT_MS = 120_000;

async function start(backend: OperatorServer["backend"], dagsFolder: string): Promise<OperatorServer> {
  const home = await mkdtemp(join(tmpdir(), `updraft-operator-${backend}-`));
  const env: Record<string, string> = { UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: dagsFolder, UPDRAFT_DATABASE_URL: "" };
  let schema: string | undefined;
  if (backend === "postgres") {
    schema = freshSchemaName();
    env.UPDRAFT_DATABASE_URL = `${POSTGRES_URL}?options=-c%20search_path%3D${schema}`;
  }
  const command = backend === "postgres" ? "scheduler" : "standalone";
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, "bin", "updraft.js"), command, "-p", "0", "--parallelism", "2"], {
    // Started from a folder of its own, as users run it from their project: nothing may depend on Updraft's checkout.
    cwd: home, env: { ...process.env, ...env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let startFailed: ((code: number | null) => void) | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`updraft ${command} did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    startFailed = (code) => reject(new Error(`updraft ${command} exited (${code}) before it was up:\n${output}`));
    child.once("exit", startFailed);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      const up = /^Updraft is running at (\S+)/.exec(line);
      if (up) {
        clearTimeout(timer);
        resolve(up[1]);
      }
    });
  });
  child.off("exit", startFailed!);

  const sql = async <R>(text: string, params: unknown[]): Promise<R[]> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as R[];
    } finally {
      await client.end();
    }
  };
  const password = (await readFile(join(home, "standalone_admin_password.txt"), "utf8").catch(() => "")).trim();
  const request = (method: string, path: string, options: { body?: unknown; accept?: string } = {}) =>
    fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`,
        accept: options.accept ?? "application/json",
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  const api = async <R>(path: string): Promise<R> => {
    const response = await request("GET", path);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as R;
  };

  let stopped = false;
  return {
    backend,
    home,
    cli: (args) => updraft(args, { env, cwd: home }),
    async dag(dagId) {
      if (backend === "postgres") return (await sql<{ is_paused: boolean }>("SELECT is_paused FROM dag WHERE dag_id = $1", [dagId]))[0];
      return api<{ is_paused: boolean }>(`/dags/${dagId}`);
    },
    async runs(dagId) {
      if (backend === "postgres") return sql("SELECT run_id, run_type, state FROM dag_run WHERE dag_id = $1 ORDER BY logical_date", [dagId]);
      const { dag_runs } = await api<{ dag_runs: Array<{ dag_run_id: string; run_type: string; state: string }> }>(`/dags/${dagId}/dagRuns?order_by=logical_date`);
      return dag_runs.map((r) => ({ run_id: r.dag_run_id, run_type: r.run_type, state: r.state }));
    },
    async taskInstances(dagId, runId) {
      if (backend === "postgres") {
        return sql("SELECT task_id, state, try_number, max_tries FROM task_instance WHERE dag_id = $1 AND run_id = $2 ORDER BY task_id", [dagId, runId]);
      }
      const { task_instances } = await api<{ task_instances: Array<{ task_id: string; state: string | null; try_number: number; max_tries: number }> }>(
        `/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances`,
      );
      return task_instances.map(({ task_id, state, try_number, max_tries }) => ({ task_id, state, try_number, max_tries })).sort((a, b) => a.task_id.localeCompare(b.task_id));
    },
    api(method, path, options) {
      if (backend !== "standalone") throw new Error("Only the standalone serves the REST API here.");
      return request(method, path, options);
    },
    output: () => output,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      if (schema) await dropSchema(schema);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a suite against `updraft scheduler` on PostgreSQL (skipped when it is unreachable, as other suites) and against
 * `updraft standalone` on the embedded database. Both servers start at once, when the file loads, to halve the wait.
 */
export function describeEachServer(name: string, dagsFolder: string, suite: (server: () => OperatorServer, backend: OperatorServer["backend"]) => void): void {
  for (const backend of ["postgres", "standalone"] as const) {
    const skip = backend === "postgres" && !POSTGRES_REACHABLE;
    const label = backend === "postgres" ? "updraft scheduler on PostgreSQL, commands open the database" : "updraft standalone on the embedded database, commands use its API";
    (skip ? describe.skip : describe)(`${name} [${label}]${skip ? " (PostgreSQL unreachable)" : ""}`, () => {
      let server: OperatorServer | undefined;
      const starting = skip ? undefined : start(backend, dagsFolder);
      // Reported by beforeAll; this keeps an early failure from being an unhandled rejection.
      starting?.catch(() => {});
      beforeAll(async () => {
        server = await starting;
      }, START_TIMEOUT_MS);
      afterAll(async () => {
        await (server ?? (await starting?.catch(() => undefined)))?.stop();
      }, 30_000);
      suite(() => server!, backend);
    });
  }
}

/** Polls until `probe` returns a value; fails naming `what`, with the server's output. */
export async function eventually<T>(server: OperatorServer, what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Server output:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
