/**
 * Invalid YAML DAG files: each problem is an import error naming the file, line, column, key path, what was expected
 * and the closest valid name; the other files of the folder keep loading; `updraft dags validate` is the CI gate.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import type { YamlIssue } from "../dagfactory/issues.ts";
import { updraft } from "./helpers/cli.ts";

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-yaml-"));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** The issues of one file of a folder loaded by the DAG bag. */
async function issuesOf(files: Record<string, string>, name = Object.keys(files)[0]): Promise<YamlIssue[]> {
  const dir = await folderWith(files);
  const bag = await DagBag.load(dir);
  const error = bag.importErrors.find((e) => e.file === join(dir, name));
  expect(error, `no import error for ${name}`).toBeDefined();
  return (error!.issues ?? []).map((issue) => ({ ...issue, file: issue.file.replace(`${dir}/`, "") }));
}

const GOOD = "good_dag:\n  schedule: none\n  tasks:\n    hello:\n      operator: airflow.operators.bash.BashOperator\n      bash_command: echo hello\n";

describe("an invalid YAML DAG file is an import error; the folder keeps loading", () => {
  it("reports a misspelt operator at its line and column, with the closest operator path", async () => {
    const dir = await folderWith({
      "good.yml": GOOD,
      "bad.yml": "bad_dag:\n  schedule: none\n  tasks:\n    extract:\n      operator: airflow.operators.bash.BashOperatr\n      bash_command: echo hi\n",
    });
    const bag = await DagBag.load(dir);
    expect([...bag.dags.keys()]).toEqual(["good_dag"]);
    expect(bag.importErrors).toHaveLength(1);
    const [error] = bag.importErrors;
    expect(error).toMatchObject({ file: join(dir, "bad.yml"), line: 5, column: 17, kind: "YAML_DAG_INVALID" });
    expect(error.message).toContain('bad_dag.tasks.extract.operator (line 5, column 17): Unknown operator "airflow.operators.bash.BashOperatr"');
    expect(error.issues).toEqual([
      expect.objectContaining({ keyPath: "bad_dag.tasks.extract.operator", line: 5, column: 17, suggestion: "airflow.operators.bash.BashOperator" }),
    ]);
  });

  it("reports every schema problem of a file at once: unknown keys, wrong types, bad enum values", async () => {
    const issues = await issuesOf({
      "bad.yml": [
        "bad_dag:",
        "  schedual: '@daily'",
        "  catchup: maybe",
        "  max_active_runs: 0",
        "  tasks:",
        "    load:",
        "      operator: BashOperator",
        "      bash_command: echo hi",
        "      trigger_rule: all_sucess",
        "      retry_delay: soon",
        "    orphan:",
        "      bash_command: echo no operator",
        "",
      ].join("\n"),
    });
    const brief = issues.map(({ keyPath, line, column, suggestion }) => ({ keyPath, line, column, ...(suggestion ? { suggestion } : {}) }));
    expect(brief).toEqual([
      { keyPath: "bad_dag.schedual", line: 2, column: 3, suggestion: "schedule" },
      { keyPath: "bad_dag.catchup", line: 3, column: 12 },
      { keyPath: "bad_dag.max_active_runs", line: 4, column: 20 },
      { keyPath: "bad_dag.tasks.load.trigger_rule", line: 9, column: 21, suggestion: "all_success" },
      { keyPath: "bad_dag.tasks.load.retry_delay", line: 10, column: 20 },
      { keyPath: "bad_dag.tasks.orphan", line: 12, column: 7 },
    ]);
    expect(issues[1]).toMatchObject({ message: 'must be a boolean, got "maybe".', expected: "boolean" });
    expect(issues[4]).toMatchObject({ message: 'has the wrong form: got "soon".' });
    expect(issues[4].expected).toContain("datetime.timedelta");
    expect(issues[5].message).toBe("a task needs an operator or a decorator.");
  });

  it("checks operator arguments, dependencies and task groups, naming the closest valid name", async () => {
    const issues = await issuesOf({
      "bad.yml": [
        "bad_dag:",
        "  schedule: none",
        "  task_groups:",
        "    - group_name: loading",
        "  tasks:",
        "    - task_id: extract",
        "      operator: airflow.operators.bash.BashOperator",
        "      bash_comand: echo hi",
        "    - task_id: load",
        "      operator: EmptyOperator",
        "      task_group_name: loadng",
        "      dependencies: [extrakt]",
        "",
      ].join("\n"),
    });
    expect(issues.map(({ keyPath, line, column, suggestion }) => ({ keyPath, line, column, suggestion }))).toEqual([
      { keyPath: "bad_dag.tasks.extract.bash_comand", line: 8, column: 7, suggestion: "bash_command" },
      { keyPath: "bad_dag.tasks.load.task_group_name", line: 11, column: 24, suggestion: "loading" },
      { keyPath: "bad_dag.tasks.load.dependencies.0", line: 12, column: 22, suggestion: "extract" },
    ]);
  });

  it("reports a dependency cycle, a task list entry without task_id and a YAML syntax error", async () => {
    const cycle = await issuesOf({
      "cycle.yml": "cyclic:\n  schedule: none\n  tasks:\n    a:\n      operator: EmptyOperator\n      dependencies: [b]\n    b:\n      operator: EmptyOperator\n      dependencies: [a]\n",
    });
    expect(cycle).toEqual([expect.objectContaining({ keyPath: "cyclic.tasks.a.dependencies", line: 6, message: "Cycle detected in task dependencies: a >> b >> a." })]);

    const noId = await issuesOf({ "list.yml": "listed:\n  tasks:\n    - operator: EmptyOperator\n" });
    expect(noId).toEqual([expect.objectContaining({ keyPath: "listed.tasks.0", line: 3, column: 7, expected: "task_id: <name>" })]);

    const syntax = await issuesOf({ "syntax.yml": "broken:\n  tasks:\n    a: [unclosed\n  operator: x\n" });
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatchObject({ file: "syntax.yml", line: 4, keyPath: "" });
    expect(syntax[0].message).toMatch(/^YAML syntax error: /);
  });

  it("locates a problem that comes from a folder defaults.yml in that file", async () => {
    const issues = await issuesOf({ "pipeline.yml": GOOD, "defaults.yml": "default_args:\n  retries: many\n" }, "pipeline.yml");
    expect(issues).toEqual([expect.objectContaining({ file: "defaults.yml", line: 2, column: 12, keyPath: "good_dag.default_args.retries" })]);
  });

  it("explains a missing callables file (a .py path means the .ts beside it) and a missing export", async () => {
    const task = (file: string, name: string) =>
      `py_dag:\n  schedule: none\n  tasks:\n    run:\n      operator: airflow.operators.python.PythonOperator\n      python_callable_name: ${name}\n      python_callable_file: ${file}\n`;
    const missing = await issuesOf({ "py.yml": task("helpers.py", "run") });
    expect(missing[0].message).toContain('"helpers.py" is read as the TypeScript file of the same name beside it');
    expect(missing[0]).toMatchObject({ keyPath: "py_dag.tasks.run.python_callable_name", line: 6 });

    const wrongName = await issuesOf({ "py.yml": task("helpers.py", "trasform"), "helpers.ts": "export function transform() { return 1; }\n" });
    expect(wrongName[0]).toMatchObject({ suggestion: "transform", keyPath: "py_dag.tasks.run.python_callable_name" });
  });
});

describe("`updraft dags validate`, the CI gate", () => {
  it("exits 0 for valid configs and 1 with file, line, column, key path and suggestion (human and JSON)", async () => {
    const good = await folderWith({ "good.yml": GOOD });
    const ok = await updraft(["dags", "validate", good]);
    expect(ok.stdout).toContain("1 file(s), 1 DAG(s): all valid.");
    expect(ok.code).toBe(0);

    const bad = await folderWith({
      "good.yml": GOOD,
      "bad.yml": "bad_dag:\n  schedule: none\n  tasks:\n    t:\n      operator: airflow.operators.bash.BashOperatr\n      bash_command: echo\n",
    });
    const human = await updraft(["dags", "validate", bad], { cwd: bad });
    expect(human.stdout).toContain('bad.yml:5:17: bad_dag.tasks.t.operator: Unknown operator "airflow.operators.bash.BashOperatr".');
    expect(human.stdout).toContain('Did you mean "airflow.operators.bash.BashOperator"?');
    expect(human.code).toBe(1);

    const json = await updraft(["dags", "validate", join(bad, "bad.yml"), join(bad, "good.yml"), "-o", "json"], { cwd: bad });
    expect(JSON.parse(json.stdout)).toEqual({
      valid: false,
      files: [
        {
          file: "bad.yml", valid: false, dag_ids: [],
          errors: [{ file: "bad.yml", line: 5, column: 17, key_path: "bad_dag.tasks.t.operator", message: 'Unknown operator "airflow.operators.bash.BashOperatr".', expected: expect.any(String), suggestion: "airflow.operators.bash.BashOperator" }],
        },
        { file: "good.yml", valid: true, dag_ids: ["good_dag"], errors: [] },
      ],
    });
    expect(json.code).toBe(1);
  });

  it("shows the YAML problem in `dags list-import-errors`", async () => {
    const dir = await folderWith({ "bad.yml": "bad_dag:\n  schedule: nightly-ish\n  tasks:\n    t:\n      operator: EmptyOperator\n" });
    const result = await updraft(["dags", "list-import-errors", "-o", "json"], { env: { UPDRAFT_DAGS_FOLDER: dir } });
    const [row] = JSON.parse(result.stdout);
    expect(row).toMatchObject({ filepath: expect.stringContaining("bad.yml"), line: 2, kind: "YAML_DAG_INVALID" });
    expect(row.error).toContain("bad_dag.schedule (line 2, column 13)");
    expect(result.code).toBe(1);
  });
});
