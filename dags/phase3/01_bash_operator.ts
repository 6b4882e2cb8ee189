/**
 * phase3_01_bash_operator — shell commands.
 *
 * Shows: BashOperator with templated commands (`{{ ds }}`, `{{ params.x }}`, `{{ dag_run.conf.x }}`), its own
 * environment variables (`env`, templated, replacing the inherited environment unless `appendEnv`), a working
 * directory, the last line of stdout becoming the XCom, and exit code 99 skipping the task instead of failing it.
 */
import { dag, BashOperator, param } from "updraft";

export default dag(
  {
    dagId: "phase3_01_bash_operator",
    description: "BashOperator: templating, env, cwd, XCom from stdout, skip on exit code 99",
    schedule: null,
    startDate: "2024-01-01",
    params: { greeting: param("hello", { type: "string", minLength: 1 }) },
    tags: ["phase3", "operators"],
  },
  () => {
    const templated = new BashOperator({
      taskId: "templated_command",
      bashCommand: 'echo "{{ params.greeting }} for {{ ds }} (run {{ run_id }})"',
    });
    const withEnv = new BashOperator({
      taskId: "with_env",
      bashCommand: 'echo "stage=$STAGE date=$RUN_DATE"',
      env: { STAGE: "staging", RUN_DATE: "{{ ds_nodash }}" },
      appendEnv: true,
    });
    const inCwd = new BashOperator({ taskId: "in_cwd", bashCommand: "pwd", cwd: "/tmp" });
    const countLines = new BashOperator({
      taskId: "count_lines",
      bashCommand: 'printf "a\\nb\\nc\\n" > data.txt && wc -l < data.txt | tr -d " "',
    });
    const skipMe = new BashOperator({
      taskId: "skip_when_nothing_to_do",
      bashCommand: 'echo "no new files today"; exit 99',
    });
    templated.then([withEnv, inCwd, countLines]);
    countLines.then(skipMe);
  },
);
