/** Priority weights of a 1,000-wide fan-out/fan-in DAG (computed at every serialization). */
import { priorityWeights } from "../core/semantics/priority.ts";
import { measure, report } from "./measure.ts";

const tasks = [
  { taskId: "start", priorityWeight: 1, weightRule: "downstream" as const, upstreamTaskIds: [] as string[], downstreamTaskIds: [] as string[] },
];
const end = { taskId: "end", priorityWeight: 1, weightRule: "downstream" as const, upstreamTaskIds: [] as string[], downstreamTaskIds: [] as string[] };
for (let i = 0; i < 1000; i++) {
  tasks[0].downstreamTaskIds.push(`mid${i}`);
  end.upstreamTaskIds.push(`mid${i}`);
  tasks.push({ taskId: `mid${i}`, priorityWeight: 1, weightRule: "downstream", upstreamTaskIds: ["start"], downstreamTaskIds: ["end"] });
}
tasks.push(end);
report("priority_weights_1000_wide", { tasks: tasks.length, ...(await measure(9, () => priorityWeights(tasks))) });
