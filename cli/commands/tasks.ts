import { DagBag } from "../../core/dagbag/dagbag.ts";
import { runDagInProcess } from "../../core/inprocess/run-dag.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type Command } from "../command.ts";
import { formatTable } from "../table.ts";
import { parseConf, printRunSummary, runToJson } from "./dags-test.ts";
import { toTree } from "./dags-show.ts";

export const tasksList: Command = {
  group: "tasks",
  verb: "list",
  summary: "List the tasks of a DAG",
  args: "<dag_id>",
  options: { ...OUTPUT_OPTION, tree: { type: "boolean", short: "t" } },
  optionHelp: { tree: "-t, --tree                 show the tasks as a tree", ...OUTPUT_HELP },
  async run([dagId], values, io) {
    if (!dagId) throw new UsageError("Missing <dag_id>.");
    const format = outputFormat(values);
    const dag = (await DagBag.loadForDag(dagId)).getDag(dagId);
    const tasks = dag.topologicalOrder();
    if (values.tree) io.out(toTree(dag));
    else if (format === "json") {
      io.out(JSON.stringify(tasks.map((t) => ({ task_id: t.taskId, operator: t.operatorName, trigger_rule: t.triggerRule, upstream_task_ids: [...t.upstreamTaskIds] }))));
    } else if (format === "plain") for (const t of tasks) io.out(t.taskId);
    else io.out(formatTable(["task_id", "operator", "trigger_rule", "upstream"], tasks.map((t) => [t.taskId, t.operatorName, t.triggerRule, [...t.upstreamTaskIds].join(", ")])));
    return 0;
  },
};

export const tasksTest: Command = {
  group: "tasks",
  verb: "test",
  summary: "Run one task in this process, ignoring its dependencies and recording no state",
  args: "<dag_id> <task_id> [logical_date]",
  options: { ...OUTPUT_OPTION, conf: { type: "string", short: "c" } },
  optionHelp: { conf: "-c, --conf JSON            the run's conf (for params)", ...OUTPUT_HELP },
  async run([dagId, taskId, logicalDate], values, io) {
    if (!dagId || !taskId) throw new UsageError("Missing <dag_id> or <task_id>.");
    const json = outputFormat(values) === "json";
    const dag = (await DagBag.loadForDag(dagId)).getDag(dagId);
    dag.getTask(taskId);
    const result = await runDagInProcess(dag, {
      logicalDate,
      conf: parseConf(values.conf),
      onlyTaskIds: new Set([taskId]),
      onLog: json ? undefined : (e) => io.out(`    ${e.taskId} | ${e.message}`),
    });
    const ti = result.taskInstances.filter((t) => t.taskId === taskId);
    const state = ti.every((t) => t.state === "success" || t.state === "skipped") ? "success" : "failed";
    if (json) io.out(JSON.stringify({ ...runToJson({ ...result, taskInstances: ti }), state }));
    else printRunSummary({ ...result, state, taskInstances: ti }, io);
    return state === "success" ? 0 : 1;
  },
};
