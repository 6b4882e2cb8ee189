import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BashOperator, dag, type BashOperatorOptions } from "updraft";
import { runDag } from "./helpers/run.ts";

/*
 * BashOperator, task by task. Every state and XCom below was pinned by running the same operators under
 * `airflow dags test` with Apache Airflow 2.10.5, with MY_INHERITED=yes in the environment.
 */
const CASES: Array<{ taskId: string; options: Omit<BashOperatorOptions, "taskId">; state: string; xcom?: string }> = [
  { taskId: "last_line", options: { bashCommand: "echo a; echo b" }, state: "success", xcom: "b" },
  { taskId: "stderr_last", options: { bashCommand: "echo out; echo err >&2" }, state: "success", xcom: "err" },
  { taskId: "padded", options: { bashCommand: 'echo "padded   "' }, state: "success", xcom: "padded" },
  { taskId: "no_output", options: { bashCommand: "true" }, state: "success", xcom: "" },
  { taskId: "env_replaces", options: { bashCommand: 'echo "$A-${MY_INHERITED:-none}"', env: { A: "1" } }, state: "success", xcom: "1-none" },
  { taskId: "env_appends", options: { bashCommand: 'echo "$A-${MY_INHERITED:-none}"', env: { A: "1" }, appendEnv: true }, state: "success", xcom: "1-yes" },
  { taskId: "env_inherited", options: { bashCommand: 'echo "${A:-}-${MY_INHERITED:-none}"' }, state: "success", xcom: "-yes" },
  { taskId: "env_templated", options: { bashCommand: 'echo "$D"', env: { D: "{{ ds_nodash }}" } }, state: "success", xcom: "20240103" },
  { taskId: "ctx_vars", options: { bashCommand: 'echo "$AIRFLOW_CTX_TASK_ID $AIRFLOW_CTX_TRY_NUMBER"' }, state: "success", xcom: "ctx_vars 1" },
  { taskId: "in_cwd", options: { bashCommand: "pwd", cwd: "/tmp" }, state: "success", xcom: "/tmp" },
  { taskId: "exit_99", options: { bashCommand: "exit 99" }, state: "skipped" },
  { taskId: "exit_3_skips", options: { bashCommand: "exit 3", skipOnExitCode: 3 }, state: "skipped" },
  { taskId: "exit_99_no_skip", options: { bashCommand: "exit 99", skipOnExitCode: null }, state: "failed" },
  { taskId: "exit_1", options: { bashCommand: "exit 1" }, state: "failed" },
];

describe("BashOperator under dags test, as Airflow 2.10", () => {
  const inherited = process.env.MY_INHERITED;
  let run: Awaited<ReturnType<typeof runDag>>;
  beforeAll(async () => {
    process.env.MY_INHERITED = "yes";
    run = await runDag(dag({ dagId: "bash_table", schedule: null }, () => {
      for (const c of CASES) new BashOperator({ taskId: c.taskId, ...c.options });
    }));
  });
  afterAll(() => {
    if (inherited === undefined) delete process.env.MY_INHERITED;
    else process.env.MY_INHERITED = inherited;
  });

  for (const c of CASES) {
    it(`${c.taskId}: ${c.state}${c.xcom === undefined ? "" : `, XCom ${JSON.stringify(c.xcom)}`}`, () => {
      expect(run.states[c.taskId]).toBe(c.state);
      expect(run.returnValue(c.taskId)).toBe(c.xcom);
    });
  }

  it("a failure says which exit code", () => {
    expect(run.taskInstances.find((ti) => ti.taskId === "exit_1")?.error).toBe("Bash command failed. The command returned a non-zero exit code 1.");
  });
});
