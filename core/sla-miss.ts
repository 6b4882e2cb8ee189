import type { DAG } from "./dag.ts";
import type { TaskState } from "./types.ts";

/** One recorded SLA miss (Airflow's SlaMiss row): `taskId` had not succeeded or been skipped for `executionDate` in time. */
export interface SlaMiss {
  taskId: string;
  dagId: string;
  executionDate: Date;
  emailSent: boolean;
  timestamp: Date | null;
  description: string | null;
  notificationSent: boolean;
}

/** A task instance of a missed schedule point that had not succeeded when the callback was sent. */
export interface BlockingTaskInstance {
  dagId: string;
  taskId: string;
  runId: string;
  mapIndex: number;
  executionDate: Date;
  state: TaskState;
}

/**
 * Airflow's `sla_miss_callback(dag, task_list, blocking_task_list, slas, blocking_tis)`: `taskList` and
 * `blockingTaskList` are "task_id on <ISO date>" lines; it runs in a task runner, never in the scheduler.
 */
export type SlaMissCallback = (
  dag: DAG,
  taskList: string,
  blockingTaskList: string,
  slas: SlaMiss[],
  blockingTis: BlockingTaskInstance[],
) => unknown;
