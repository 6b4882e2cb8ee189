import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, updraft } from "./helpers/cli.ts";

describe("updraft CLI", () => {
  it("--help lists every command, and each command has its own help", async () => {
    const top = await updraft(["--help"]);
    expect(top.code).toBe(0);
    for (const command of ["dags list", "dags list-import-errors", "dags show", "dags test", "tasks list", "tasks test"]) {
      expect(top.stdout).toContain(command);
    }
    const help = await updraft(["dags", "test", "--help"]);
    expect(help.stdout).toMatch(/Usage: updraft dags test <dag_id> \[logical_date\]/);
    expect(help.stdout).toMatch(/--conf JSON/);
    for (const command of ["dags list", "dags list-import-errors", "dags show", "tasks list", "tasks test"]) {
      const own = await updraft([...command.split(" "), "--help"]);
      expect([own.code, own.stdout.split("\n")[0]], command).toEqual([0, expect.stringMatching(new RegExp(`^Usage: updraft ${command}\\b`))]);
    }
  });

  it("a mistyped command or group suggests the closest one", async () => {
    const verb = await updraft(["dags", "tset", "x"]);
    expect(verb.code).toBe(2);
    expect(verb.stderr).toMatch(/unknown command "tset"\. Did you mean "test"\?/);
    const group = await updraft(["dag", "list"]);
    expect(group.stderr).toMatch(/unknown command group "dag"\. Did you mean "dags"\?/);
  });

  it("a mistyped dag id or task id suggests the closest one", async () => {
    const dag = await updraft(["dags", "test", "phase4_02_branchin"]);
    expect(dag.code).toBe(1);
    expect(dag.stderr).toMatch(/DAG "phase4_02_branchin" not found.*Did you mean "phase4_02_branching"\?/);
    const task = await updraft(["tasks", "test", "phase1_01_hello_airflow", "say_helo"]);
    expect(task.stderr).toMatch(/no task "say_helo"\. Did you mean "say_hello"\?/);
  });

  it("malformed --conf and bad dates are usage errors that say what to do", async () => {
    const conf = await updraft(["dags", "test", "phase1_01_hello_airflow", "--conf", "{oops"]);
    expect(conf.code).toBe(2);
    expect(conf.stderr).toMatch(/--conf is not valid JSON.*pass an object/);
    const date = await updraft(["dags", "test", "phase1_01_hello_airflow", "yesterday"]);
    expect(date.code).toBe(1);
    expect(date.stderr).toMatch(/Invalid logical date "yesterday": use ISO 8601/);
  });

  it("a conf breaking the DAG's params is refused before anything runs", async () => {
    const run = await updraft(["dags", "test", "phase4_02_branching", "--conf", '{"threshold": -1}']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/param "threshold" = -1 is invalid/);
  });

  it("dags test prints a live line per state change, then a summary; a failed run exits 1", async () => {
    const ok = await updraft(["dags", "test", "phase1_01_hello_airflow", "2024-01-01"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/say_hello\s+running\s+try 1/);
    expect(ok.stdout).toMatch(/say_hello \| Hello from Updraft on 2024-01-01/);
    expect(ok.stdout).toMatch(/DagRun manual__2024-01-01T00:00:00\+00:00 of phase1_01_hello_airflow: success/);
    const failed = await updraft(["dags", "test", "always_fails", "2024-01-01"], { env: { UPDRAFT_DAGS_FOLDER: join(REPO_ROOT, "test", "fixtures", "failing") } });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/broken_step \| disk full/);
    expect(failed.stdout).toMatch(/broken_step\s+failed\s+try 1\s+Bash command failed\. The command returned a non-zero exit code 2\./);
    expect(failed.stdout).toMatch(/of always_fails: failed \(task_failure\)/);
  });

  it("dags show prints text, Mermaid and DOT", async () => {
    const dot = await updraft(["dags", "show", "phase1_01_hello_airflow", "-f", "dot"]);
    expect(dot.stdout).toMatch(/"start" -> "say_hello";\n\s+"say_hello" -> "end";/);
    const mermaid = await updraft(["dags", "show", "phase1_01_hello_airflow", "--format", "mermaid"]);
    expect(mermaid.stdout).toMatch(/flowchart LR[\s\S]*start --> say_hello/);
    const text = await updraft(["dags", "show", "phase5_03_task_groups"]);
    expect(text.stdout).toMatch(/<Task\(BashOperator\): transform\.clean\.dedupe>/);
  });

  it("dags list and tasks list speak JSON", async () => {
    const dags = JSON.parse((await updraft(["dags", "list", "-o", "json"])).stdout) as Array<{ dag_id: string; schedule: string }>;
    expect(dags.find((d) => d.dag_id === "phase2_01_scheduled_dag")?.schedule).toBe("@daily");
    const tasks = JSON.parse((await updraft(["tasks", "list", "phase4_02_branching", "-o", "json"])).stdout) as Array<{ task_id: string; trigger_rule: string }>;
    expect(tasks.find((t) => t.task_id === "done")?.trigger_rule).toBe("none_failed_min_one_success");
  });

  it("tasks test runs one task alone", async () => {
    const run = await updraft(["tasks", "test", "phase3_01_bash_operator", "templated_command", "2024-02-01", "-o", "json"]);
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout);
    expect(parsed.task_instances).toEqual([expect.objectContaining({ task_id: "templated_command", state: "success", try_number: 1 })]);
  });

  it("a folder with broken files: the good DAGs still list, the errors are reported with file and line", async () => {
    const folder = join(REPO_ROOT, "test", "fixtures", "broken");
    const list = await updraft(["dags", "list", "-o", "plain"], { env: { UPDRAFT_DAGS_FOLDER: folder } });
    expect(list.stdout.trim()).toBe("good_dag");
    const errors = await updraft(["dags", "list-import-errors", "-o", "json"], { env: { UPDRAFT_DAGS_FOLDER: folder } });
    expect(errors.code).toBe(1);
    const rows = JSON.parse(errors.stdout) as Array<{ filepath: string; line: number | null; error: string }>;
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r.filepath.endsWith("throws.ts"))).toMatchObject({ line: 5, error: "settings.bucket is not configured" });
    expect(rows.find((r) => r.filepath.endsWith("syntax_error.ts"))?.line).toBe(4);
  });

  it("a missing DAGs folder says how to point Updraft at one", async () => {
    const run = await updraft(["dags", "list"], { env: { UPDRAFT_DAGS_FOLDER: "/nonexistent/dags" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DAGs folder "\/nonexistent\/dags" does not exist.*UPDRAFT_DAGS_FOLDER/);
  });

  it("the README's first DAG runs as written", async () => {
    const readme = await readFile(join(REPO_ROOT, "README.md"), "utf8");
    const code = /Put this in `dags\/hello\.ts`:\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const dir = await mkdtemp(join(REPO_ROOT, "test", "fixtures", ".readme-"));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "hello.ts"), code!);
    try {
      const run = await updraft(["dags", "test", "hello", "2024-01-01", "-o", "json"], { env: { UPDRAFT_DAGS_FOLDER: dir } });
      const parsed = JSON.parse(run.stdout);
      expect(parsed).toMatchObject({ dag_id: "hello", state: "success" });
      expect(Object.keys(parsed).sort()).toEqual(["dag_id", "run_id", "state", "task_instances"]);
      expect(run.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
