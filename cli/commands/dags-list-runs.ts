import { didYouMean } from "../../core/suggest.ts";
import { DAG_RUN_STATES } from "../../core/types.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, parseDateArgument, UsageError, type Command } from "../command.ts";
import { withStateClient } from "../state-client.ts";
import { airflowDate, printRecords } from "../table.ts";

/** `airflow dags list-runs -d <dag_id>`: the DAG's runs, newest logical date first. */
export const dagsListRuns: Command = {
  group: "dags",
  verb: "list-runs",
  summary: "List a DAG's runs, newest first",
  args: "<dag_id>",
  options: {
    ...OUTPUT_OPTION,
    "dag-id": { type: "string", short: "d" },
    state: { type: "string" },
    "no-backfill": { type: "boolean" },
    "start-date": { type: "string", short: "s" },
    "end-date": { type: "string", short: "e" },
  },
  optionHelp: {
    "dag-id": "-d, --dag-id DAG_ID        the DAG (as Airflow spells it; the positional <dag_id> works too)",
    state: "--state STATE              only runs in this state: queued, running, success or failed",
    "no-backfill": "--no-backfill              leave backfill runs out",
    "start-date": "-s, --start-date DATE      only runs with a logical date from DATE on",
    "end-date": "-e, --end-date DATE        only runs with a logical date up to DATE",
    ...OUTPUT_HELP,
  },
  async run([positional], values, io) {
    const flag = typeof values["dag-id"] === "string" ? values["dag-id"] : undefined;
    if (positional && flag && positional !== flag) throw new UsageError(`Two DAG ids given ("${positional}" and -d "${flag}"): give one.`);
    const dagId = positional ?? flag;
    if (!dagId) throw new UsageError("Missing <dag_id> (or -d DAG_ID).");
    const format = outputFormat(values);
    const state = typeof values.state === "string" ? values.state.toLowerCase() : undefined;
    const states: string[] = Object.values(DAG_RUN_STATES);
    if (state !== undefined && !states.includes(state)) {
      throw new UsageError(`Unknown state "${values.state}": use ${states.join(", ")}.${didYouMean(state, states)}`);
    }
    const from = parseDateArgument(values["start-date"], "--start-date");
    const to = parseDateArgument(values["end-date"], "--end-date");
    if (from && to && from > to) throw new UsageError(`--end-date ${values["end-date"]} is before --start-date ${values["start-date"]}: swap them.`);
    return withStateClient(async (client) => {
      await client.getDag(dagId);
      const runs = await client.listDagRuns(dagId, { states: state ? [state] : [], logicalDateGte: from, logicalDateLte: to, orderBy: "-logical_date" });
      const records = runs
        .filter((r) => !values["no-backfill"] || r.run_type !== "backfill")
        .map((r) => ({
          dag_id: r.dag_id, run_id: r.dag_run_id, state: r.state, execution_date: airflowDate(r.logical_date),
          start_date: airflowDate(r.start_date), end_date: airflowDate(r.end_date),
        }));
      printRecords(io.out, format, ["dag_id", "run_id", "state", "execution_date", "start_date", "end_date"], records);
      return 0;
    });
  },
};
