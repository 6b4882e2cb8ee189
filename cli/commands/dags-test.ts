import { DagBag } from "../../core/dagbag/dagbag.ts";
import { isoformat } from "../../core/dates.ts";
import { runDagInProcess, type InProcessRunResult } from "../../core/inprocess/run-dag.ts";
import type { JsonObject } from "../../core/types.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type CliIO, type Command } from "../command.ts";
import { formatTable } from "../table.ts";
import { paint } from "../colors.ts";
import { maskProcessOutput } from "../../core/masking/mask-process-output.ts";

export function parseConf(raw: string | boolean | undefined): JsonObject {
  if (raw === undefined || raw === true || raw === false) return {};
  let conf: unknown;
  try {
    conf = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--conf is not valid JSON (${(error as Error).message}); pass an object, e.g. --conf '{"key": "value"}'.`);
  }
  if (conf === null || typeof conf !== "object" || Array.isArray(conf)) throw new UsageError("--conf must be a JSON object, e.g. '{\"key\": \"value\"}'.");
  return conf as JsonObject;
}

export function runToJson(result: InProcessRunResult) {
  return {
    dag_id: result.dagId,
    run_id: result.runId,
    state: result.state,
    task_instances: result.taskInstances.map((ti) => ({
      task_id: ti.taskId,
      map_index: ti.mapIndex,
      state: ti.state,
      try_number: ti.tryNumber,
      duration: ti.durationMs === null ? null : ti.durationMs / 1000,
    })),
  };
}

export function printRunSummary(result: InProcessRunResult, io: CliIO): void {
  io.out("");
  io.out(
    formatTable(
      ["task_id", "map_index", "state", "try_number", "duration"],
      result.taskInstances.map((ti) => [
        ti.taskId, ti.renderedMapIndex ? `${ti.mapIndex} (${ti.renderedMapIndex})` : ti.mapIndex, ti.state ?? "none", ti.tryNumber, ti.durationMs === null ? "" : `${(ti.durationMs / 1000).toFixed(3)}s`,
      ]),
    ),
  );
  io.out("");
  io.out(`DagRun ${result.runId} of ${result.dagId}: ${paint(result.state, io.isTTY)}${result.state === "failed" ? ` (${result.reason})` : ""}`);
}

export const dagsTest: Command = {
  group: "dags",
  verb: "test",
  summary: "Run one DAG run in this process, without a scheduler or database",
  args: "<dag_id> [logical_date]",
  options: { ...OUTPUT_OPTION, conf: { type: "string", short: "c" }, parallelism: { type: "string" }, verbose: { type: "boolean", short: "v" } },
  optionHelp: {
    conf: "-c, --conf JSON            the run's conf, a JSON object",
    parallelism: "--parallelism N            run up to N tasks at once (default 1, like airflow dags test)",
    verbose: "-v, --verbose              with -o json, also print progress and task logs on stderr",
    ...OUTPUT_HELP,
  },
  async run([dagId, logicalDate], values, io) {
    if (!dagId) throw new UsageError("Missing <dag_id>.");
    maskProcessOutput();
    const json = outputFormat(values) === "json";
    const conf = parseConf(values.conf);
    const bag = await DagBag.loadForDag(dagId);
    const dag = bag.getDag(dagId);
    const progress = json ? (values.verbose ? io.err : () => {}) : io.out;
    const result = await runDagInProcess(dag, {
      logicalDate,
      conf,
      parallelism: values.parallelism ? Number(values.parallelism) : 1,
      onStateChange: (e) => {
        const id = e.mapIndex >= 0 ? `${e.taskId}[${e.mapIndex}]` : e.taskId;
        const detail = e.detail ? `  ${e.detail}` : "";
        progress(`[${isoformat(new Date()).slice(11, 19)}] ${id.padEnd(32)} ${paint(e.state ?? "none", io.isTTY).padEnd(io.isTTY ? 26 : 16)} try ${e.tryNumber}${detail}`);
      },
      onLog: (e) => {
        const id = e.mapIndex >= 0 ? `${e.taskId}[${e.mapIndex}]` : e.taskId;
        progress(`    ${id} | ${e.message}`);
      },
    });
    if (json) io.out(JSON.stringify(runToJson(result)));
    else printRunSummary(result, io);
    return result.state === "success" ? 0 : 1;
  },
};
