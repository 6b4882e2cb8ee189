import { parseDate } from "../../core/dates.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type Command } from "../command.ts";
import type { StateClient } from "../state-client.ts";
import { withStateClient } from "../state-client.ts";
import { airflowDate, printRecords } from "../table.ts";

/** The run with this id, or else (as Airflow) the run with this logical date. */
async function findRun(client: StateClient, dagId: string, runIdOrDate: string) {
  try {
    return await client.getDagRun(dagId, runIdOrDate);
  } catch (error) {
    if (!(error instanceof RequestError) || error.status !== 404) throw error;
    let date: Date;
    try {
      date = parseDate(runIdOrDate);
    } catch {
      throw error;
    }
    const [run] = await client.listDagRuns(dagId, { logicalDateGte: date, logicalDateLte: date });
    if (!run) throw new RequestError(404, `DAG "${dagId}" has no run with id or logical date "${runIdOrDate}" (see "updraft dags list-runs ${dagId}").`);
    return run;
  }
}

/** `airflow tasks states-for-dag-run`: the state of every task instance of one run. */
export const tasksStatesForDagRun: Command = {
  group: "tasks",
  verb: "states-for-dag-run",
  summary: "Show the state of every task instance of a DAG run",
  args: "<dag_id> <run_id or logical_date>",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run([dagId, runIdOrDate], values, io) {
    if (!dagId || !runIdOrDate) throw new UsageError("Missing <dag_id> or <run_id>.");
    const format = outputFormat(values);
    return withStateClient(async (client) => {
      const run = await findRun(client, dagId, runIdOrDate);
      const tis = await client.listTaskInstances(dagId, run.dag_run_id);
      const mapped = tis.some((ti) => ti.map_index >= 0);
      const records = tis.map((ti) => ({
        dag_id: ti.dag_id, execution_date: airflowDate(run.logical_date), task_id: ti.task_id, state: ti.state,
        start_date: airflowDate(ti.start_date), end_date: airflowDate(ti.end_date),
        ...(mapped ? { map_index: ti.map_index >= 0 ? String(ti.map_index) : "" } : {}),
      }));
      const columns = ["dag_id", "execution_date", "task_id", "state", "start_date", "end_date", ...(mapped ? ["map_index"] : [])] as Array<keyof (typeof records)[number] & string>;
      printRecords(io.out, format, columns, records);
      return 0;
    });
  },
};
