/**
 * phase13_02_trigger_dag_run — one DAG starts another and waits for it.
 *
 * Shows: TriggerDagRunOperator creating a run of phase13_02_trigger_dag_run_target with a templated conf and run id,
 * pushing `trigger_run_id`, then waiting for that run to succeed without holding a runner (`deferrable: true`: the
 * wait is a DagStateTrigger in the triggerer). `skipWhenAlreadyExists` makes a re-run of this task skip rather than
 * fail when the target run exists already.
 *
 * Run it: `updraft dags test phase13_02_trigger_dag_run 2024-01-03` — without a metadata database the target DAG runs
 * right there, in the same process, before the operator goes on. Under `updraft standalone`:
 * `updraft dags trigger phase13_02_trigger_dag_run`, then see the target's run `triggered_by_phase13_02__…`.
 */
import { BashOperator, TriggerDagRunOperator, XComArg, dag, getCurrentContext, task } from "updraft";

const TARGET = "phase13_02_trigger_dag_run_target";

export const target = dag(
  { dagId: TARGET, description: "Run by phase13_02_trigger_dag_run with a conf", schedule: null, startDate: "2024-01-01", tags: ["phase13", "cross-dag"] },
  () => {
    new BashOperator({ taskId: "greet", bashCommand: "echo 'hello {{ dag_run.conf.who }} from {{ dag_run.conf.parent_run }}'" });
  },
);

const announce = task(async function announce(runId: string) {
  getCurrentContext().log.info(`triggered ${TARGET} run ${runId}`);
  return runId;
});

export default dag(
  { dagId: "phase13_02_trigger_dag_run", description: "Triggers phase13_02_trigger_dag_run_target and waits for it", schedule: null, startDate: "2024-01-01", tags: ["phase13", "cross-dag"] },
  () => {
    const trigger = new TriggerDagRunOperator({
      taskId: "trigger_target",
      triggerDagId: TARGET,
      triggerRunId: "triggered_by_phase13_02__{{ ts_nodash }}",
      logicalDate: "{{ ts }}",
      conf: { who: "world", parent_run: "{{ run_id }}" },
      waitForCompletion: true,
      deferrable: true,
      pokeInterval: 1,
      skipWhenAlreadyExists: true,
    });
    announce(new XComArg<string>(trigger, "trigger_run_id"));
  },
);
