import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { BaseOperator, requireArgument, type TaskOptions } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import { SkipTask } from "../core/errors.ts";

export interface BashOperatorOptions extends TaskOptions {
  bashCommand: string;
  /** Environment for the command. Replaces the inherited environment unless `appendEnv` is true. */
  env?: Record<string, string>;
  appendEnv?: boolean;
  /** Working directory; a fresh temporary directory (removed afterwards) when not given. */
  cwd?: string;
  /** Exit code(s) that end the task as skipped. Default 99. */
  skipOnExitCode?: number | readonly number[] | null;
}

/**
 * Runs a shell command with bash. The last line of output (stdout and stderr merged, as in Airflow) becomes the task's
 * XCom; a non-zero exit fails the try, except `skipOnExitCode` (99 by default), which skips it.
 */
export class BashOperator extends BaseOperator<string> {
  static override templateFields: readonly string[] = ["bashCommand", "env", "cwd"];
  bashCommand: string;
  env: Record<string, string> | undefined;
  appendEnv: boolean;
  cwd: string | undefined;
  skipOnExitCode: readonly number[];
  private running: ReturnType<typeof spawn> | undefined;

  constructor(options: BashOperatorOptions) {
    super(options);
    requireArgument(
      typeof options.bashCommand === "string" && options.bashCommand.trim() !== "",
      `BashOperator "${options.taskId}" needs a non-empty bashCommand.`,
    );
    this.bashCommand = options.bashCommand;
    this.env = options.env;
    this.appendEnv = options.appendEnv ?? false;
    this.cwd = options.cwd;
    const skip = options.skipOnExitCode === undefined ? 99 : options.skipOnExitCode;
    this.skipOnExitCode = skip === null ? [] : typeof skip === "number" ? [skip] : [...skip];
  }

  override async execute(context: TaskContext): Promise<string> {
    const env = { ...(this.env && !this.appendEnv ? {} : process.env), ...this.env, ...contextEnv(context) };
    const workdir = this.cwd ?? (await mkdtemp(join(tmpdir(), "updraft-bash-")));
    try {
      return await this.run(context, env as Record<string, string>, workdir);
    } finally {
      if (!this.cwd) await rm(workdir, { recursive: true, force: true });
    }
  }

  private run(context: TaskContext, env: Record<string, string>, cwd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      context.log.info(`Running command: ${this.bashCommand}`);
      // Airflow reads stdout with stderr merged into it, so the XCom is the last line of either. Merging inside bash
      // keeps the order exact; on the same line, so bash's "line N" in error messages stays the user's line N.
      const child = spawn("bash", ["-c", `exec 2>&1; ${this.bashCommand}`], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      this.running = child;
      let lastLine = "";
      // Each line without trailing whitespace, as Airflow's rstrip().
      const onLine = (line: string) => {
        lastLine = line.trimEnd();
        context.log.info(lastLine);
      };
      createInterface({ input: child.stdout! }).on("line", onLine);
      // Only what bash writes before the merge (a syntax error in the command) arrives here.
      createInterface({ input: child.stderr! }).on("line", onLine);
      const abort = () => this.onKill();
      context.signal.addEventListener("abort", abort, { once: true });
      child.on("error", (error) => reject(new Error(`Could not start bash: ${error.message}. Is bash installed and on PATH?`)));
      child.on("close", (code, signal) => {
        context.signal.removeEventListener("abort", abort);
        this.running = undefined;
        if (code !== null && this.skipOnExitCode.includes(code)) {
          reject(new SkipTask(`Bash command returned exit code ${code}. Skipping.`));
        } else if (code === 0) {
          resolve(lastLine);
        } else {
          const how = signal ? `was killed by ${signal}` : `returned a non-zero exit code ${code}`;
          reject(new Error(`Bash command failed. The command ${how}.`));
        }
      });
    });
  }

  override onKill(): void {
    const child = this.running;
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}

/** Airflow exports the identity of the running task to its subprocesses. */
function contextEnv(context: TaskContext): Record<string, string> {
  const values = {
    DAG_ID: context.dag.dagId,
    TASK_ID: context.task.taskId,
    EXECUTION_DATE: context.logicalDate.toISOString(),
    TRY_NUMBER: String(context.ti.tryNumber),
    DAG_RUN_ID: context.runId,
    DAG_OWNER: context.dag.owner,
  };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    env[`AIRFLOW_CTX_${key}`] = value;
    env[`UPDRAFT_CTX_${key}`] = value;
  }
  return env;
}
