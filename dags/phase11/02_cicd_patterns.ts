/**
 * phase11_02_cicd_patterns — the checks a CI pipeline runs before DAG configs reach production.
 *
 * Shows: `updraft dags validate <path> -o json` as a gate (exit 0 only when every file loads; each problem with file,
 * line, column, key path and the closest valid name), proof that the gate rejects a misspelt operator, and integrity
 * rules on top of it (every file valid, DAG ids named after their files). In CI the same command runs as a step:
 * `npx updraft dags validate dags/` fails the build on any problem.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BashOperator, dag, task, FailTask } from "updraft";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(REPO, "bin", "updraft.js");
const CONFIGS = join(REPO, "dags", "phase15");

interface ValidateReport {
  valid: boolean;
  files: Array<{ file: string; valid: boolean; dag_ids: string[]; errors: Array<{ line: number | null; key_path: string; message: string; suggestion: string | null }> }>;
}

const gateRejectsTypos = task(async function gate_rejects_typos(): Promise<{ exitCode: number | null; suggestion: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), "updraft-ci-"));
  try {
    writeFileSync(join(dir, "typo.yaml"), "typo_dag:\n  schedule: none\n  tasks:\n    hello:\n      operator: airflow.operators.bash.BashOperatr\n      bash_command: echo hi\n");
    const run = spawnSync(process.execPath, [CLI, "dags", "validate", dir, "-o", "json"], { encoding: "utf8" });
    const report = JSON.parse(run.stdout) as ValidateReport;
    const error = report.files[0]?.errors[0];
    if (run.status !== 1 || error?.key_path !== "typo_dag.tasks.hello.operator") {
      throw new FailTask(`The gate let a misspelt operator through (exit ${run.status}): ${run.stdout}${run.stderr}`);
    }
    return { exitCode: run.status, suggestion: error.suggestion };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const integrity = task(async function integrity(validateOutput: string): Promise<{ files: number; dags: number }> {
  const report = JSON.parse(validateOutput) as ValidateReport;
  const problems: string[] = [];
  for (const file of report.files) {
    for (const error of file.errors) problems.push(`${file.file}:${error.line ?? "?"}: ${error.key_path} ${error.message}`);
    const stem = /(\d\d_[a-z0-9_]+?)(\.ya?ml)?(\.hbs)?$/.exec(file.file)?.[1];
    for (const dagId of file.dag_ids) if (!stem || !dagId.startsWith(`phase15_${stem}`)) problems.push(`${file.file}: DAG "${dagId}" is not named after its file`);
  }
  if (!report.valid || problems.length) throw new FailTask(`DAG configs are not fit to deploy:\n${problems.join("\n")}`);
  return { files: report.files.length, dags: report.files.reduce((n, f) => n + f.dag_ids.length, 0) };
});

export default dag(
  {
    dagId: "phase11_02_cicd_patterns",
    description: "CI gate: validate YAML DAG configs, prove the gate catches typos, check naming rules",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase11", "ci"],
    defaultArgs: { owner: "data-platform" },
  },
  () => {
    // The JSON report is the command's only output line, so it is the task's XCom.
    const validate = new BashOperator({ taskId: "validate_configs", bashCommand: `"${process.execPath}" "${CLI}" dags validate "${CONFIGS}" -o json` });
    const checked = integrity(validate.output);
    gateRejectsTypos().then(checked);
  },
);
