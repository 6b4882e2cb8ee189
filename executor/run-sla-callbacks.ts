import { describeError } from "../core/execution/execute-try.ts";
import type { BlockingTaskInstance, SlaMiss } from "../core/sla-miss.ts";
import type { TaskState } from "../core/types.ts";
import { runCallbackWorkload } from "./callback-workload.ts";
import type { Workload } from "./executor.ts";
import { loadDag } from "./load-dag.ts";
import type { RunnerReply } from "./runner-protocol.ts";

/**
 * Sends a DAG's unnotified SLA misses to its sla_miss_callback(s), as Airflow 2.10's manage_slas does: arguments
 * (dag, task_list, blocking_task_list, slas, blocking_tis); the misses are marked notification_sent when at least one
 * callback returned, else they are sent again at a later check. A callback that throws is logged and never fails a run.
 */
export async function runSlaCallbacks(workload: Workload): Promise<RunnerReply> {
  const request = workload.callback!;
  return runCallbackWorkload(workload, async ({ client, log, errors, callEach }) => {
    try {
      const [dag, found] = await Promise.all([loadDag(workload.fileloc, workload.key.dagId), client.slaMisses()]);
      const slas: SlaMiss[] = found.slas.map((s) => ({
        taskId: s.task_id, dagId: s.dag_id, executionDate: new Date(s.execution_date), emailSent: s.email_sent,
        timestamp: s.timestamp ? new Date(s.timestamp) : null, description: s.description, notificationSent: s.notification_sent,
      }));
      const blockingTis: BlockingTaskInstance[] = found.blocking_tis
        .filter((ti) => dag.tasks.has(ti.task_id))
        .map((ti) => ({ dagId: ti.dag_id, taskId: ti.task_id, runId: ti.run_id, mapIndex: ti.map_index, executionDate: new Date(ti.execution_date), state: ti.state as TaskState }));
      const taskList = slas.map((s) => `${s.taskId} on ${s.executionDate.toISOString()}`).join("\n");
      const blockingTaskList = blockingTis.map((ti) => `${ti.taskId} on ${ti.executionDate.toISOString()}`).join("\n");
      let sent = false;
      if (slas.length) {
        log.info(`Sending ${slas.length} SLA miss(es) of ${dag.dagId} to its sla_miss_callback:\n${taskList}`);
        const returned = await callEach(dag.slaMissCallback, (callback) => callback(dag, taskList, blockingTaskList, slas, blockingTis), (name) => `Could not call sla_miss_callback ${name}`);
        sent = returned > 0;
      }
      await client.slaNotified({
        callback_id: request.id, notification_sent: sent,
        misses: found.slas.map((s) => ({ task_id: s.task_id, execution_date: s.execution_date })),
      });
    } catch (error) {
      errors.push(describeError(error));
      log.error(`Could not run the sla_miss_callback: ${describeError(error)}`);
    }
  });
}
