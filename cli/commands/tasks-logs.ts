import { RequestError } from "../../core/runs/request-error.ts";
import { didYouMean } from "../../core/suggest.ts";
import { parseIntegerArgument, UsageError, type Command } from "../command.ts";
import { withStateClient } from "../state-client.ts";

/** `updraft tasks logs`: one try's log (Airflow 2 shows logs in the UI and API only; this prints the same file). */
export const tasksLogs: Command = {
  group: "tasks",
  verb: "logs",
  summary: "Print the log of a task instance's try (the latest unless --try)",
  args: "<dag_id> <run_id> <task_id>",
  options: { try: { type: "string" }, "map-index": { type: "string" } },
  optionHelp: {
    try: "--try N                    the try to show (default: the latest)",
    "map-index": "--map-index N              the map index of a mapped task instance (default -1: not mapped)",
  },
  async run([dagId, runId, taskId], values, io) {
    if (!dagId || !runId || !taskId) throw new UsageError("Missing <dag_id>, <run_id> or <task_id>.");
    const tryArgument = parseIntegerArgument(values.try, "--try", 1);
    const mapIndex = parseIntegerArgument(values["map-index"], "--map-index", -1) ?? -1;
    return withStateClient(async (client) => {
      let tryNumber = tryArgument;
      if (tryNumber === undefined) {
        const tis = await client.listTaskInstances(dagId, runId);
        const ti = tis.find((t) => t.task_id === taskId && t.map_index === mapIndex);
        if (!ti) {
          const ids = new Set(tis.map((t) => t.task_id));
          const what = ids.has(taskId) ? `no map index ${mapIndex} of task "${taskId}" (use --map-index)` : `no task "${taskId}".${didYouMean(taskId, ids)}`;
          throw new RequestError(404, `Run "${runId}" of DAG "${dagId}" has ${what}`);
        }
        if (ti.try_number === 0) throw new RequestError(404, `Task "${taskId}" has not run yet in run "${runId}" (state: ${ti.state ?? "none"}): there is no log yet.`);
        tryNumber = ti.try_number;
      }
      const content = await client.readLog({ dagId, runId, taskId, mapIndex }, tryNumber);
      io.out(content.replace(/\n$/, ""));
      return 0;
    });
  },
};
