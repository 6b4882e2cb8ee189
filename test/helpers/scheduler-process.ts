import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "./cli.ts";
import { POSTGRES_URL } from "./databases.ts";

const BIN = join(REPO_ROOT, "bin", "updraft.js");

/** The URL a child process opens the test schema with (`?options=-c search_path=…`, as users select a schema). */
export function schemaUrl(schema: string): string {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/** An `updraft scheduler` OS process, leader of its own process group (its runners and DAG parsers are in it). */
export interface SchedulerProcess {
  name: string;
  pid: number;
  home: string;
  /** Everything it printed so far (stdout and stderr), one entry per line. */
  output: string[];
  exited: Promise<void>;
  /** kill -9 of the whole process group: the scheduler, its runners and parsers die at once. */
  killGroup(): Promise<void>;
  /** SIGTERM (a clean stop), then the whole group killed if it has not exited within `graceMs`; removes its home. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `updraft scheduler --port 0` as users do (bin/updraft.js), with its own UPDRAFT_HOME; resolves once it is up. */
export async function startSchedulerProcess(name: string, env: Record<string, string>, parallelism = 2): Promise<SchedulerProcess> {
  const home = await mkdtemp(join(tmpdir(), `updraft-ha-${name}-`));
  const childEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: "0", UPDRAFT_HOME: home, ...env };
  // Unless the test shares one, each scheduler keeps the secret of its own home: a runner's token is then accepted only
  // by its own scheduler's API.
  if (!env.UPDRAFT_SECRET_KEY) delete childEnv.UPDRAFT_SECRET_KEY;
  const child: ChildProcess = spawn(process.execPath, [BIN, "scheduler", "--port", "0", "--parallelism", String(parallelism)], {
    cwd: REPO_ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true,
  });
  const output: string[] = [];
  const exited = once(child, "exit").then(() => {});
  createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
  const up = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output.push(line);
      if (line.startsWith("Updraft is running at")) resolve();
    });
    void exited.then(() => reject(new Error(`updraft scheduler ${name} exited before it was up:\n${output.join("\n")}`)));
  });
  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const killGroup = async () => {
    if (groupAlive()) process.kill(-child.pid!, "SIGKILL");
    await exited;
    // Runners are reparented when their scheduler dies: wait until the last of the group is gone too.
    for (let i = 0; i < 100 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const processHandle: SchedulerProcess = {
    name, pid: child.pid!, home, output, exited, killGroup,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
      }
      await killGroup();
      await rm(home, { recursive: true, force: true });
    },
  };
  try {
    await up;
  } catch (error) {
    await processHandle.stop(0);
    throw error;
  }
  return processHandle;
}
