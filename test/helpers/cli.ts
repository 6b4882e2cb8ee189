import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/updraft.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `updraft …` as a user would, in its own process. */
export function updraft(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, FORCE_COLOR: "0", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `dags test <dag_id> <date> -o json`, parsed: the run's state and "task_id" / "task_id[i]" → state. */
export async function dagsTest(dagId: string, date = "2024-01-03", extra: string[] = [], env?: Record<string, string>) {
  const result = await updraft(["dags", "test", dagId, date, "-o", "json", ...extra], { env });
  let parsed: { dag_id: string; run_id: string; state: string; task_instances: Array<{ task_id: string; map_index: number; state: string; try_number: number; duration: number | null }> };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`dags test ${dagId} did not print one JSON object (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  const states: Record<string, string> = {};
  for (const ti of parsed.task_instances) states[ti.map_index >= 0 ? `${ti.task_id}[${ti.map_index}]` : ti.task_id] = ti.state;
  return { ...result, run: parsed, states };
}
