import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, expect, it } from "vitest";
import { describeEachBackend, dropSchema, POSTGRES_URL } from "./helpers/databases.ts";
import { REPO_ROOT } from "./helpers/cli.ts";

const SCRIPT = join(REPO_ROOT, "test", "fixtures", "standalone", "run-standalone.ts");
const DAGS = join(REPO_ROOT, "test", "fixtures", "standalone", "dags");

function startStandaloneProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; auth: string; home: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "run-ts.js"), SCRIPT], {
      cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"],
    });
    let errors = "";
    child.stderr!.on("data", (d) => (errors += d));
    child.on("exit", (code) => reject(new Error(`standalone exited (${code}) before it was up:\n${errors}`)));
    createInterface({ input: child.stdout! }).once("line", async (line) => {
      const { url } = JSON.parse(line) as { url: string };
      const password = (await readFile(join(env.UPDRAFT_HOME, "standalone_admin_password.txt"), "utf8").catch(() => "")).trim();
      child.removeAllListeners("exit");
      resolve({ child, url, auth: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`, home: env.UPDRAFT_HOME });
    });
  });
}

async function api(base: { url: string; auth: string }, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base.url}/api/v1${path}`, {
    method, headers: { authorization: base.auth, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeEachBackend("kill -9 of updraft standalone mid-run", (backend) => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    for (const schema of schemas) await dropSchema(schema);
  });

  it("restarted, it completes the run; no task runs twice to completion and no finished state is lost", { timeout: 120_000 }, async () => {
    const home = await mkdtemp(join(tmpdir(), "updraft-crash-"));
    const markerDir = await mkdtemp(join(tmpdir(), "updraft-marker-"));
    dirs.push(home, markerDir);
    const env: Record<string, string> = { UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: DAGS };
    if (backend.name === "postgres") {
      const schema = `crash_${Date.now().toString(36)}`;
      schemas.push(schema);
      env.UPDRAFT_DATABASE_URL = `${POSTGRES_URL}?options=-c%20search_path%3D${schema}`;
    }
    const marker = join(markerDir, "completed.txt");

    const first = await startStandaloneProcess(env);
    children.push(first.child);
    await until("the DAG to be parsed", async () => (await api(first, "PATCH", "/dags/crash_safe", { is_paused: false })).dag_id);
    const run = await api(first, "POST", "/dags/crash_safe/dagRuns", { dag_run_id: "crash_test", conf: { marker } });
    expect(run.dag_run_id).toBe("crash_test");
    await until("`slow` to be running", async () => {
      const { task_instances } = await api(first, "GET", "/dags/crash_safe/dagRuns/crash_test/taskInstances");
      return task_instances.find((t: { task_id: string; state: string }) => t.task_id === "slow" && t.state === "running");
    });
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await startStandaloneProcess(env);
    children.push(second.child);
    const state = await until("the run to finish", async () => {
      const r = await api(second, "GET", "/dags/crash_safe/dagRuns/crash_test");
      return r.state === "success" || r.state === "failed" ? r.state : undefined;
    });
    expect(state).toBe("success");
    const { task_instances } = await api(second, "GET", "/dags/crash_safe/dagRuns/crash_test/taskInstances");
    const byTask = Object.fromEntries(task_instances.map((t: { task_id: string; state: string; try_number: number }) => [t.task_id, [t.state, t.try_number]]));
    expect(byTask.first).toEqual(["success", 1]);
    expect(byTask.slow[0]).toBe("success");
    expect(byTask.slow[1]).toBeGreaterThanOrEqual(2);
    expect(byTask.last).toEqual(["success", 1]);
    // Every task completed exactly once: the killed try of `slow` never reached its end.
    expect((await readFile(marker, "utf8")).trim().split("\n").sort()).toEqual(["first", "last", "slow"]);
    second.child.kill("SIGTERM");
    await new Promise((resolve) => second.child.once("exit", resolve));
  });
});
