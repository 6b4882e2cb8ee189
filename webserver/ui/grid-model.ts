import type { SerializedDag } from "../../core/serialization.ts";
import type { DagRunRow } from "../../core/store/queries/dag-runs.ts";
import type { TaskState } from "../../core/types.ts";
import type { GridTi } from "./queries/grid.ts";
import { stateClass, summaryState } from "./states.ts";

export interface GridCell {
  cls: string;
  title: string;
  href: string | null;
  /** Mapped tasks: how many map indexes. */
  count: number | null;
}

export interface GridRow {
  kind: "group" | "task";
  id: string;
  label: string;
  depth: number;
  /** The enclosing groups' ids, space-separated: collapsing a group hides rows listing it. */
  groups: string;
  mapped: boolean;
  cells: GridCell[];
}

export interface GridColumn {
  runId: string;
  cls: string;
  state: string;
  date: Date;
  href: string;
  runType: string;
  /** The run bar's height (px): as in Airflow's grid, proportional to the run's duration. */
  height: number;
}

interface GroupNode {
  id: string;
  order: number;
  children: Array<{ kind: "task"; id: string; order: number } | { kind: "group"; node: GroupNode; order: number }>;
}

/**
 * Rows of the grid: task groups (with the summary state of their tasks) before their tasks, indented, each level
 * ordered by where its first task comes in the DAG's topological order; columns are the runs, oldest on the left.
 */
export function buildGrid(dag: SerializedDag, runsNewestFirst: readonly DagRunRow[], tis: readonly GridTi[], urls: {
  run: (runId: string) => string;
  ti: (runId: string, taskId: string, mapIndex: number) => string;
}): { columns: GridColumn[]; rows: GridRow[] } {
  const runs = [...runsNewestFirst].reverse();
  const byRunTask = new Map<string, Array<{ mapIndex: number; state: TaskState; tryNumber: number }>>();
  for (const [runId, taskId, mapIndex, state, tryNumber] of tis) {
    const key = `${runId}\u0000${taskId}`;
    let list = byRunTask.get(key);
    if (!list) byRunTask.set(key, (list = []));
    list.push({ mapIndex, state, tryNumber });
  }

  const groups = new Map(dag.task_groups.map((g) => [g.group_id, g]));
  const nodes = new Map<string, GroupNode>();
  const root: GroupNode = { id: "", order: 0, children: [] };
  const nodeOf = (groupId: string | null): GroupNode => {
    if (!groupId || !groups.has(groupId)) return root;
    let node = nodes.get(groupId);
    if (!node) {
      node = { id: groupId, order: Infinity, children: [] };
      nodes.set(groupId, node);
      nodeOf(groups.get(groupId)!.parent_group_id).children.push({ kind: "group", node, order: Infinity });
    }
    return node;
  };
  dag.tasks.forEach((task, order) => {
    nodeOf(task.task_group_id).children.push({ kind: "task", id: task.task_id, order });
    for (let g = task.task_group_id; g && groups.has(g); g = groups.get(g)!.parent_group_id) {
      const node = nodes.get(g)!;
      node.order = Math.min(node.order, order);
    }
  });
  const mappedTasks = new Set(dag.tasks.filter((t) => t.mapped || t.mapped_group_id).map((t) => t.task_id));

  const rows: GridRow[] = [];
  const descendants = new Map<string, string[]>();
  const tasksOf = (node: GroupNode): string[] => {
    const cached = descendants.get(node.id);
    if (cached) return cached;
    const ids = node.children.flatMap((c) => (c.kind === "task" ? [c.id] : tasksOf(c.node)));
    descendants.set(node.id, ids);
    return ids;
  };
  const cellFor = (runId: string, taskIds: readonly string[], mapped: boolean, href: (mapIndex: number) => string | null): GridCell => {
    const found = taskIds.flatMap((id) => byRunTask.get(`${runId}\u0000${id}`) ?? []);
    if (!found.length) return { cls: "state-absent", title: "no task instance", href: null, count: null };
    const state = summaryState(found.map((t) => t.state));
    const counts = new Map<string, number>();
    for (const t of found) counts.set(t.state ?? "no status", (counts.get(t.state ?? "no status") ?? 0) + 1);
    const title = found.length === 1 && !mapped
      ? `${taskIds[0]}: ${state ?? "no status"}${found[0].tryNumber > 1 ? ` (try ${found[0].tryNumber})` : ""}`
      : [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
    const single = found.length === 1 ? found[0].mapIndex : -1;
    return { cls: stateClass(state), title, href: href(single), count: mapped ? found.filter((t) => t.mapIndex >= 0).length : null };
  };
  const emit = (node: GroupNode, depth: number, enclosing: string[]) => {
    const children = [...node.children].sort((a, b) => (a.kind === "group" ? a.node.order : a.order) - (b.kind === "group" ? b.node.order : b.order));
    for (const child of children) {
      if (child.kind === "group") {
        const id = child.node.id;
        const taskIds = tasksOf(child.node);
        rows.push({
          kind: "group", id, label: id.slice(id.lastIndexOf(".") + 1), depth, groups: enclosing.join(" "), mapped: Boolean(groups.get(id)?.is_mapped),
          cells: runs.map((r) => cellFor(r.run_id, taskIds, false, () => null)),
        });
        emit(child.node, depth + 1, [...enclosing, id]);
      } else {
        const label = node.id && child.id.startsWith(`${node.id}.`) ? child.id.slice(node.id.length + 1) : child.id;
        const mapped = mappedTasks.has(child.id);
        rows.push({
          kind: "task", id: child.id, label, depth, groups: enclosing.join(" "), mapped,
          cells: runs.map((r) => cellFor(r.run_id, [child.id], mapped, (mapIndex) => urls.ti(r.run_id, child.id, mapIndex))),
        });
      }
    }
  };
  emit(root, 0, []);
  const now = Date.now();
  const seconds = (r: DagRunRow) => (r.start_date ? ((r.end_date?.getTime() ?? now) - r.start_date.getTime()) / 1000 : 0);
  const longest = Math.max(...runs.map(seconds), 1);
  const columns = runs.map((r) => ({
    runId: r.run_id, cls: stateClass(r.state), state: r.state, date: r.logical_date, href: urls.run(r.run_id), runType: r.run_type,
    height: Math.round(6 + (34 * seconds(r)) / longest),
  }));
  return { columns, rows };
}
