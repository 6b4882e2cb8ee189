import type { BaseOperator } from "./base-operator.ts";
import type { TaskContext } from "./context.ts";
import { runtimeOf } from "./runtime.ts";
import { didYouMean } from "./suggest.ts";
import { SKIPMIXIN_KEY } from "./types.ts";

/**
 * Airflow's branch semantics (`skip_all_except`): the chosen ids (tasks or task groups, expanded to the group's roots)
 * and everything downstream of them are followed; every direct downstream task of the branch task that is not followed
 * is skipped now. Deeper tasks are skipped later through their trigger rules.
 */
export async function followBranches(context: TaskContext, branchTask: BaseOperator, chosen: unknown): Promise<string[]> {
  const dag = branchTask.dag;
  const ids = chosen === null || chosen === undefined ? [] : Array.isArray(chosen) ? chosen : [chosen];
  const chosenTasks = new Set<string>();
  for (const id of ids) {
    if (typeof id !== "string") {
      throw new TypeError(`Branch task "${branchTask.taskId}" returned ${JSON.stringify(id)}; return a task id, a task group id, a list of them, or null.`);
    }
    const group = dag.taskGroups.get(id);
    if (group) for (const root of group.dependencyRoots()) chosenTasks.add(root.taskId);
    else if (dag.tasks.has(id)) chosenTasks.add(id);
    else {
      throw new Error(
        `Branch task "${branchTask.taskId}" chose "${id}", which is not a task or task group of DAG "${dag.dagId}".${didYouMean(id, [...dag.tasks.keys(), ...dag.taskGroups.keys()])}`,
      );
    }
  }
  const followed = new Set<string>(chosenTasks);
  for (const id of chosenTasks) for (const downstream of dag.relatives(id, "downstream")) followed.add(downstream);
  const direct = [...branchTask.downstreamTaskIds];
  const toSkip = direct.filter((id) => !followed.has(id));
  const kept = direct.filter((id) => followed.has(id));
  const runtime = runtimeOf(context);
  await runtime.xcomPush(SKIPMIXIN_KEY, { followed: kept });
  if (toSkip.length) {
    context.log.info(`Following branch ${JSON.stringify([...chosenTasks])}; skipping ${JSON.stringify(toSkip)}`);
    await runtime.skipTasks(toSkip, context.mapIndex);
  }
  return toSkip;
}

/**
 * Airflow's ShortCircuitOperator: a falsy condition skips every transitive downstream task
 * (`ignoreDownstreamTriggerRules`, the default) or only the direct ones, leaving deeper tasks to their trigger rules.
 * A mapped one (or one in a mapped task group) skips only the task instances of its own map index.
 */
export async function shortCircuit(context: TaskContext, task: BaseOperator, ignoreDownstreamTriggerRules: boolean): Promise<string[]> {
  const toSkip = ignoreDownstreamTriggerRules ? [...task.dag.relatives(task.taskId, "downstream")] : [...task.downstreamTaskIds];
  const runtime = runtimeOf(context);
  await runtime.xcomPush(SKIPMIXIN_KEY, { skipped: toSkip });
  if (toSkip.length) {
    context.log.info(`Condition is falsy: skipping ${toSkip.length} downstream task(s): ${JSON.stringify(toSkip)}`);
    await runtime.skipTasks(toSkip, context.mapIndex);
  }
  return toSkip;
}
