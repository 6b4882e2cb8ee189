import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, parseDateArgument, UsageError, type Command } from "../command.ts";
import { withStateClient } from "../state-client.ts";
import { airflowDate, printRecords } from "../table.ts";
import { parseConf } from "./dags-test.ts";

/** `airflow dags trigger`: a manual run, created `queued`; the scheduler runs it. */
export const dagsTrigger: Command = {
  group: "dags",
  verb: "trigger",
  summary: "Trigger a DAG run (the scheduler runs it)",
  args: "<dag_id>",
  options: {
    ...OUTPUT_OPTION,
    conf: { type: "string", short: "c" },
    "run-id": { type: "string", short: "r" },
    "exec-date": { type: "string", short: "e" },
    "logical-date": { type: "string" },
  },
  optionHelp: {
    conf: "-c, --conf JSON            the run's conf, a JSON object",
    "run-id": "-r, --run-id ID            the run's id (default manual__<logical date>)",
    "logical-date": "--logical-date DATE        the run's logical date (default now, to the second)",
    "exec-date": "-e, --exec-date DATE       the same, by Airflow's older name",
    ...OUTPUT_HELP,
  },
  async run([dagId], values, io) {
    if (!dagId) throw new UsageError("Missing <dag_id>.");
    const format = outputFormat(values);
    const conf = parseConf(values.conf);
    const execDate = parseDateArgument(values["exec-date"], "--exec-date");
    const logicalDate = parseDateArgument(values["logical-date"], "--logical-date");
    if (execDate && logicalDate && execDate.getTime() !== logicalDate.getTime()) {
      throw new UsageError("--exec-date and --logical-date name the same thing: give one of them.");
    }
    const runId = typeof values["run-id"] === "string" ? values["run-id"] : undefined;
    // As Airflow's CLI: without a date the run is for now, microseconds dropped (replace_microseconds).
    const date = logicalDate ?? execDate ?? new Date(Math.floor(Date.now() / 1000) * 1000);
    return withStateClient(async (client) => {
      const dag = await client.getDag(dagId);
      const run = await client.triggerDagRun(dagId, { runId, logicalDate: date, conf });
      const shown = format === "json" ? run : { ...run, logical_date: airflowDate(run.logical_date) };
      printRecords(io.out, format, ["dag_id", "dag_run_id", "logical_date", "run_type", "state", "conf"], [shown]);
      if (dag.is_paused) io.err(`DAG "${dagId}" is paused: the run stays queued until you unpause it ("updraft dags unpause ${dagId}").`);
      return 0;
    });
  },
};
