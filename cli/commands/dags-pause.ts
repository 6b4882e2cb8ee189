import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type Command } from "../command.ts";
import { withStateClient } from "../state-client.ts";
import { printRecords } from "../table.ts";

function pauseCommand(verb: "pause" | "unpause"): Command {
  const isPaused = verb === "pause";
  return {
    group: "dags",
    verb,
    summary: isPaused ? "Pause a DAG: no new runs, and no tasks of it are queued" : "Unpause a DAG: the scheduler creates and runs its runs again",
    args: "<dag_id>",
    options: { ...OUTPUT_OPTION },
    optionHelp: { ...OUTPUT_HELP },
    async run([dagId], values, io) {
      if (!dagId) throw new UsageError("Missing <dag_id>.");
      const format = outputFormat(values);
      return withStateClient(async (client) => {
        const dag = await client.setPaused(dagId, isPaused);
        printRecords(io.out, format, ["dag_id", "is_paused"], [{ dag_id: dag.dag_id, is_paused: dag.is_paused }]);
        return 0;
      });
    },
  };
}

export const dagsPause = pauseCommand("pause");
export const dagsUnpause = pauseCommand("unpause");
