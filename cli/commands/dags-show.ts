import type { DAG } from "../../core/dag.ts";
import { DagBag } from "../../core/dagbag/dagbag.ts";
import { UsageError, type Command } from "../command.ts";

export function toDot(dag: DAG): string {
  const lines = [`digraph "${dag.dagId}" {`, "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor="#e8f7e4"];'];
  for (const task of dag.topologicalOrder()) lines.push(`  "${task.taskId}" [label="${task.taskId}\\n${task.operatorName}"];`);
  for (const task of dag.topologicalOrder()) for (const down of [...task.downstreamTaskIds].sort()) lines.push(`  "${task.taskId}" -> "${down}";`);
  lines.push("}");
  return lines.join("\n");
}

export function toMermaid(dag: DAG): string {
  const id = (taskId: string) => taskId.replace(/[^A-Za-z0-9_]/g, "_");
  const lines = ["flowchart LR"];
  for (const task of dag.topologicalOrder()) lines.push(`  ${id(task.taskId)}["${task.taskId}"]`);
  for (const task of dag.topologicalOrder()) for (const down of [...task.downstreamTaskIds].sort()) lines.push(`  ${id(task.taskId)} --> ${id(down)}`);
  return lines.join("\n");
}

/** An indented tree from the roots, like `airflow tasks list --tree`. A task reached twice is shown again. */
export function toTree(dag: DAG): string {
  const lines: string[] = [];
  const visit = (taskId: string, depth: number) => {
    const task = dag.getTask(taskId);
    lines.push(`${"    ".repeat(depth)}${task.toString()}`);
    for (const down of [...task.downstreamTaskIds].sort()) visit(down, depth + 1);
  };
  for (const root of dag.roots.sort((a, b) => a.taskId.localeCompare(b.taskId))) visit(root.taskId, 0);
  return lines.join("\n");
}

export const dagsShow: Command = {
  group: "dags",
  verb: "show",
  summary: "Show a DAG's tasks and dependencies as text, Mermaid or Graphviz DOT",
  args: "<dag_id>",
  options: { format: { type: "string", short: "f", default: "text" } },
  optionHelp: { format: "-f, --format text|mermaid|dot   (default text)" },
  async run([dagId], values, io) {
    if (!dagId) throw new UsageError("Missing <dag_id>.");
    const dag = (await DagBag.loadForDag(dagId)).getDag(dagId);
    const format = String(values.format);
    if (format === "dot") io.out(toDot(dag));
    else if (format === "mermaid") io.out(toMermaid(dag));
    else if (format === "text") {
      io.out(`DAG ${dag.dagId}  schedule=${dag.timetable.summary}  tasks=${dag.tasks.size}`);
      io.out(toTree(dag));
    } else throw new UsageError(`Unknown format "${format}": use text, mermaid or dot.`);
    return 0;
  },
};
